import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { parse } from 'yaml';
import { TEST_ENV } from '../test/support/test-env';
import { type Bundle, buildBundles } from './bundles';
import { runBurst } from './burst';
import { type LoadTimes, measureColdLoads } from './cold-load';
import { cfnTags, readServiceBuild } from './esbuild-settings';

const SERVICE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(SERVICE_DIR, '.bench');
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const BURST_RUNS = Number(process.env.BENCH_BURST_RUNS ?? 3);
const BASELINE = 'aggregated SageMaker, same settings';
/**
 * The baseline of the targets: a Lambda that imports the aggregated `SageMaker` client class, bundled
 * with esbuild's defaults (main before module, the SDK's default credential chain): what a team gets
 * without this project's choices. Its size here matches the 846 KB the launch-path issue measured.
 */
const NAIVE_BASELINE = 'baseline: aggregated SageMaker, esbuild defaults';
const CREDENTIALS_PACKAGE = '@aws-sdk/credential-provider-node';
const ENV_CREDENTIALS = './shared/aws/lambda-env-credentials.ts';
/** "Each function's bundle and cold load at most half the baseline's." */
const TARGET_RATIO = 0.5;

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}x`;

function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

interface Variant {
  label: string;
  options: BuildOptions;
  bundles: Bundle[];
  loads: LoadTimes[];
}

/** The configured settings and the same settings with the env-only credentials alias toggled. */
function variants(configured: BuildOptions): Array<{ label: string; options: BuildOptions }> {
  const alias = { ...(configured.alias ?? {}) };
  const aliased = alias[CREDENTIALS_PACKAGE] !== undefined;
  const toggled = { ...alias };
  if (aliased) delete toggled[CREDENTIALS_PACKAGE];
  else toggled[CREDENTIALS_PACKAGE] = ENV_CREDENTIALS;
  const name = (withAlias: boolean): string =>
    withAlias ? 'env-only credentials (alias)' : 'default credential chain';
  return [
    { label: `serverless.yml as is: ${name(aliased)}`, options: configured },
    { label: `toggled: ${name(!aliased)}`, options: { ...configured, alias: toggled } },
  ];
}

async function main(): Promise<void> {
  const started = performance.now();
  rmSync(join(OUT_DIR, 'bundles'), { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const service = readServiceBuild(SERVICE_DIR);
  const entries = { ...service.handlers, [BASELINE]: 'bench/baseline-aggregated-sagemaker.ts' };
  const names = Object.keys(entries);

  const built: Array<Omit<Variant, 'loads'>> = [];
  for (const [v, { label, options }] of variants(service.options).entries())
    built.push({
      label,
      options,
      bundles: await buildBundles(SERVICE_DIR, options, entries, join(OUT_DIR, 'bundles', `variant-${v}`)),
    });
  const { mainFields: _mainFields, alias: _alias, ...defaults } = service.options;
  const [naive] = await buildBundles(
    SERVICE_DIR,
    defaults,
    { [NAIVE_BASELINE]: entries[BASELINE] as string },
    join(OUT_DIR, 'bundles', 'naive'),
  );
  if (!naive) throw new Error('the naive baseline did not build');
  console.error(
    `built ${built.length * names.length + 1} bundles; timing ${COLD_RUNS} cold loads of each ...`,
  );
  const allLoads = await measureColdLoads(
    [...built.flatMap((variant) => variant.bundles.map((bundle) => bundle.file)), naive.file],
    COLD_RUNS,
    TEST_ENV,
  );
  const naiveLoad = allLoads.at(-1) as LoadTimes;
  const results: Variant[] = built.map((variant, v) => ({
    ...variant,
    loads: allLoads.slice(v * names.length, (v + 1) * names.length),
  }));

  const [configured, toggled] = results as [Variant, Variant];
  const baseIndex = names.indexOf(BASELINE);
  const sameSettings = configured.bundles[baseIndex] as Bundle;
  const sameSettingsLoad = configured.loads[baseIndex] as LoadTimes;
  let allPass = true;
  const rowOf = (name: string, bundle: Bundle, load: LoadTimes, judged: boolean) => {
    const pass = bundle.bytes <= TARGET_RATIO * naive.bytes && load.median <= TARGET_RATIO * naiveLoad.median;
    if (judged && !pass) allPass = false;
    return [
      name,
      kb(bundle.bytes),
      kb(bundle.gzipBytes),
      ratio(bundle.bytes, naive.bytes),
      ratio(bundle.bytes, sameSettings.bytes),
      load.median.toFixed(1),
      load.p90.toFixed(1),
      ratio(load.median, naiveLoad.median),
      ratio(load.median, sameSettingsLoad.median),
      judged ? (pass ? 'PASS' : 'FAIL') : '',
    ];
  };
  const rows = [
    ...names.map((name, i) =>
      rowOf(name, configured.bundles[i] as Bundle, configured.loads[i] as LoadTimes, name !== BASELINE),
    ),
    rowOf(NAIVE_BASELINE, naive, naiveLoad, false),
  ];
  console.log(`\n## Bundles and cold module load (${configured.label})\n`);
  console.log(
    table(
      [
        'function',
        'bundle KiB',
        'gzip KiB',
        'vs baseline',
        'vs aggregated, same settings',
        'cold load median ms',
        'p90 ms',
        'vs baseline',
        'vs aggregated, same settings',
        'target <= 0.5x baseline, both',
      ],
      rows,
    ),
  );
  console.log(
    `\nTarget "each function's bundle and cold load at most half the baseline's": ${allPass ? 'PASS' : 'FAIL'}` +
      ` (node ${process.version}, ${COLD_RUNS} fresh processes per bundle, import time only)`,
  );

  console.log(`\n## Reduction tried: ${CREDENTIALS_PACKAGE} aliased to ${ENV_CREDENTIALS}\n`);
  console.log(
    table(
      ['bundle', 'KiB as is', 'KiB toggled', 'delta KiB', 'median ms as is', 'median ms toggled', 'delta ms'],
      names.map((name, i) => {
        const [a, b] = [configured.bundles[i] as Bundle, toggled.bundles[i] as Bundle];
        const [la, lb] = [configured.loads[i] as LoadTimes, toggled.loads[i] as LoadTimes];
        return [
          name,
          kb(a.bytes),
          kb(b.bytes),
          kb(b.bytes - a.bytes),
          la.median.toFixed(1),
          lb.median.toFixed(1),
          (lb.median - la.median).toFixed(1),
        ];
      }),
    ),
  );
  console.log(`(as is = ${configured.label}; toggled = ${toggled.label})`);

  console.log('\n## Biggest inputs per bundle (as is, KiB of minified output)\n');
  console.log(
    table(
      ['bundle', 'top packages'],
      configured.bundles.map((bundle) => [
        bundle.name,
        bundle.packages
          .slice(0, 6)
          .map((p) => `${p.name} ${kb(p.bytes)}`)
          .join(', '),
      ]),
    ),
  );

  const serverless = parse(readFileSync(join(SERVICE_DIR, 'serverless.yml'), 'utf8'), {
    customTags: cfnTags,
  }) as {
    functions: { startTraining: { events: Array<{ eventBridge: { pattern: Record<string, unknown> } }> } };
  };
  const rulePattern = serverless.functions.startTraining.events[0]?.eventBridge.pattern;
  if (!rulePattern) throw new Error('startTraining has no eventBridge pattern in serverless.yml');
  const burst = await runBurst({
    serviceDir: SERVICE_DIR,
    fixturePath: join(
      SERVICE_DIR,
      '..',
      'shared',
      'fixtures',
      'aws-events',
      's3-object-created-eventbridge.awsdocs.json',
    ),
    rulePattern,
    dataFiles: 9_999,
    duplicates: 20,
    runs: BURST_RUNS,
  });
  console.log(
    `\n## Burst: one dataset version through start-training in-process (median of ${BURST_RUNS} runs, 10 in flight)\n`,
  );
  let burstPass = true;
  console.log(
    table(
      [
        'scenario',
        'deliveries',
        'events/s (median)',
        'CreateTrainingJob calls',
        'jobs created',
        'Started events',
        'GetObject',
        'PutEvents',
        'unexpected calls',
        'outcomes',
      ],
      burst.map((result) => {
        const last = result.runs.at(-1);
        for (const run of result.runs)
          if (run.counts.jobsCreated !== 1 || run.counts.startedEvents !== 1) burstPass = false;
        return [
          result.scenario,
          last?.deliveries ?? 0,
          result.medianEventsPerSecond.toFixed(0),
          last?.counts.createTrainingJob ?? 0,
          result.runs.map((run) => run.counts.jobsCreated).join('/'),
          result.runs.map((run) => run.counts.startedEvents).join('/'),
          last?.counts.getObject ?? 0,
          last?.counts.putEvents ?? 0,
          last?.counts.unexpectedCalls ?? 0,
          Object.entries(last?.outcomes ?? {})
            .map(([outcome, n]) => `${outcome} ${n}`)
            .join(', '),
        ];
      }),
    ),
  );
  console.log(`\nBurst: exactly one job and one Started event in every run: ${burstPass ? 'PASS' : 'FAIL'}`);

  const fixturePath = join(OUT_DIR, 'results.json');
  writeFileSync(
    fixturePath,
    `${JSON.stringify(
      {
        node: process.version,
        coldRuns: COLD_RUNS,
        targetRatio: TARGET_RATIO,
        sizeAndLoadTargetPass: allPass,
        naiveBaseline: { ...naive, packages: naive.packages.slice(0, 15), load: naiveLoad },
        variants: results.map(({ label, options, bundles, loads }) => ({
          label,
          esbuild: options,
          bundles: bundles.map((bundle, i) => ({
            ...bundle,
            packages: bundle.packages.slice(0, 15),
            load: loads[i],
          })),
        })),
        burst,
        burstPass,
        seconds: (performance.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nraw results: ${fixturePath} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  if (!burstPass) process.exitCode = 1;
}

await main();
