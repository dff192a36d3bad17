import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Times the module's own import (its init phase: module evaluation, config, SDK clients), not Node's start. */
const IMPORT_TIMER =
  'const t = performance.now(); await import(process.argv[1]); ' +
  'process.stdout.write(String(performance.now() - t));';

export interface LoadTimes {
  samples: number[];
  median: number;
  p90: number;
}

export const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
};

/**
 * Imports each file in a fresh `node` process `runs` times. Files take turns (round robin) so a noisy
 * moment on the machine hits every bundle alike rather than one of them.
 */
export async function measureColdLoads(
  files: string[],
  runs: number,
  env: Record<string, string>,
): Promise<LoadTimes[]> {
  const samples: number[][] = files.map(() => []);
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  for (let r = 0; r < runs; r++)
    for (const [i, file] of files.entries()) {
      const { stdout } = await run(
        process.execPath,
        ['--no-warnings', '--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(file).href],
        { env: childEnv },
      );
      samples[i]?.push(Number(stdout));
    }
  return samples.map((s) => ({ samples: s, median: quantile(s, 0.5), p90: quantile(s, 0.9) }));
}
