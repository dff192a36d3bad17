import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';

export interface Bundle {
  name: string;
  entry: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Bytes each npm package (or "app" for this repo's code) contributes to the minified output, largest first. */
  packages: Array<{ name: string; bytes: number }>;
}

const packageOf = (inputPath: string): string =>
  inputPath.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'app';

/** Builds each entry on its own, as serverless-esbuild does with `package.individually`. */
export async function buildBundles(
  serviceDir: string,
  options: BuildOptions,
  entries: Record<string, string>,
  outDir: string,
): Promise<Bundle[]> {
  return Promise.all(
    Object.entries(entries).map(async ([name, entry]) => {
      const result = await build({
        ...options,
        absWorkingDir: serviceDir,
        entryPoints: [entry],
        outdir: join(outDir, name),
        metafile: true,
        write: true,
        logLevel: 'error',
      });
      const [file, output] = Object.entries(result.metafile.outputs)[0] ?? [];
      if (!file || !output) throw new Error(`esbuild produced no output for ${entry}`);
      const packages = new Map<string, number>();
      for (const [path, input] of Object.entries(output.inputs))
        packages.set(packageOf(path), (packages.get(packageOf(path)) ?? 0) + input.bytesInOutput);
      const absolute = join(serviceDir, file);
      return {
        name,
        entry,
        file: absolute,
        bytes: output.bytes,
        gzipBytes: gzipSync(readFileSync(absolute)).byteLength,
        packages: [...packages]
          .map(([pkg, bytes]) => ({ name: pkg, bytes }))
          .sort((a, b) => b.bytes - a.bytes),
      };
    }),
  );
}
