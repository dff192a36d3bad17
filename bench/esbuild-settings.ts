import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { parse, type Tags } from 'yaml';

/** CloudFormation short forms (`!If`, `!GetAtt`, `!Sub` ...) read as plain values: only custom.esbuild matters here. */
const CFN_FUNCTIONS = [
  'Base64',
  'Cidr',
  'Condition',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'Ref',
];
export const cfnTags: Tags = CFN_FUNCTIONS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [name]: value }) },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
]);

/** serverless-esbuild's own options; it deletes these before calling esbuild (dist/bundle.js). */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
];

export interface ServiceBuild {
  /** What serverless-esbuild hands to esbuild for every function (without entryPoints/outdir). */
  options: BuildOptions;
  outputFileExtension: string;
  /** Function name -> handler source file, relative to the service root. */
  handlers: Record<string, string>;
}

interface ServerlessFile {
  custom?: { esbuild?: Record<string, unknown> };
  functions?: Record<string, { handler: string }>;
}

/**
 * Reads serverless.yml the way serverless-esbuild does: its defaults (bundle, platform node,
 * exclude ['aws-sdk']) overridden by custom.esbuild, plugin-only options removed, `exclude` turned into `external`.
 */
export function readServiceBuild(serviceDir: string): ServiceBuild {
  const text = readFileSync(join(serviceDir, 'serverless.yml'), 'utf8');
  const service = parse(text, { customTags: cfnTags }) as ServerlessFile;
  const custom: Record<string, unknown> = {
    bundle: true,
    platform: 'node',
    exclude: ['aws-sdk'],
    ...(service.custom?.esbuild ?? {}),
  };
  const exclude = (custom.exclude as string[] | undefined) ?? [];
  const options: Record<string, unknown> = { ...custom };
  for (const name of PLUGIN_ONLY_OPTIONS) delete options[name];
  options.external = [
    ...((custom.external as string[] | undefined) ?? []),
    ...(exclude.includes('*') ? [] : exclude),
  ];
  const outputFileExtension = String(custom.outputFileExtension ?? '.js');
  if (outputFileExtension !== '.js') options.outExtension = { '.js': outputFileExtension };
  const handlers: Record<string, string> = {};
  for (const [name, fn] of Object.entries(service.functions ?? {}))
    handlers[name] = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`;
  return { options: options as BuildOptions, outputFileExtension, handlers };
}
