import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchesPattern } from '../local/stand-ins/event-pattern';
import { TEST_ENV } from '../test/support/test-env';
import { type StubCounts, startStubAws } from './stub-aws';

const DATASET = 'cats';
const VERSION = 'v2024-06-01';
const MANIFEST_VERSION_ID = 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e';
const MANIFEST = JSON.stringify({ hyperparameters: { epochs: 5, batch_size: 64 } });
/** Lambda's reserved concurrency for startTraining: at most this many events are in flight at once. */
const CONCURRENCY = 10;

export interface BurstRun {
  deliveries: number;
  seconds: number;
  eventsPerSecond: number;
  outcomes: Record<string, number>;
  counts: Omit<StubCounts, 'other'> & { unexpectedCalls: number };
}

export interface BurstResult {
  scenario: string;
  runs: BurstRun[];
  medianEventsPerSecond: number;
}

type S3Event = Record<string, unknown> & {
  id: string;
  detail: { bucket: { name: string }; object: { key: string; etag: string; 'version-id': string } };
};

/** A tiny deterministic PRNG, so every run delivers the same shuffled order. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One dataset version landing: `dataFiles` objects under train/ and validation/, its manifest.json, and
 * `duplicates` extra deliveries of the manifest event (EventBridge delivers at least once), shuffled.
 */
export function buildBurst(fixturePath: string, dataFiles: number, duplicates: number): S3Event[] {
  const template = JSON.parse(readFileSync(fixturePath, 'utf8')) as S3Event;
  const root = `${TEST_ENV.DATASETS_PREFIX}/${DATASET}/${VERSION}`;
  const event = (key: string, n: number, versionId: string): S3Event => {
    const copy = structuredClone(template);
    copy.id = `burst-${n}`;
    copy.detail.bucket.name = TEST_ENV.DATASETS_BUCKET as string;
    copy.detail.object.key = key;
    copy.detail.object['version-id'] = versionId;
    return copy;
  };
  const events: S3Event[] = [];
  for (let i = 0; i < dataFiles; i++) {
    const split = i % 5 === 0 ? 'validation' : 'train';
    events.push(event(`${root}/${split}/class-${i % 10}/img-${String(i).padStart(6, '0')}.jpg`, i, `v${i}`));
  }
  for (let d = 0; d <= duplicates; d++)
    events.push(event(`${root}/manifest.json`, dataFiles + d, MANIFEST_VERSION_ID));
  const random = mulberry32(42);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [events[i], events[j]] = [events[j] as S3Event, events[i] as S3Event];
  }
  return events;
}

/** startTraining's EventBridge rule from serverless.yml, with the stack's bucket name filled in. */
export function startTrainingRule(pattern: Record<string, unknown>, bucket: string): Record<string, unknown> {
  const rule = structuredClone(pattern) as { detail: { bucket: { name: unknown[] } } };
  rule.detail.bucket.name = [bucket];
  return rule;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * Drives the start-training handler in-process, one invocation per event, CONCURRENCY at a time, against
 * a stub of S3, SageMaker and EventBridge. Scenario "unfiltered" sends every object's event (as if the rule
 * had no key filter); "rule-filtered" sends only what the rule in serverless.yml lets through.
 */
export async function runBurst(options: {
  serviceDir: string;
  fixturePath: string;
  rulePattern: Record<string, unknown>;
  dataFiles: number;
  duplicates: number;
  runs: number;
}): Promise<BurstResult[]> {
  const manifestPath = `${TEST_ENV.DATASETS_BUCKET}/${TEST_ENV.DATASETS_PREFIX}/${DATASET}/${VERSION}/manifest.json`;
  const stub = await startStubAws({ [manifestPath]: MANIFEST });
  Object.assign(process.env, TEST_ENV, {
    AWS_ENDPOINT_URL_S3: stub.url,
    AWS_ENDPOINT_URL_SAGEMAKER: stub.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: stub.url,
    AWS_ENDPOINT_URL_SCHEDULER: stub.url,
    S3_FORCE_PATH_STYLE: 'true',
  });
  try {
    const { handler } = await import(join(options.serviceDir, 'functions/start-training/handler.ts'));
    const all = buildBurst(options.fixturePath, options.dataFiles, options.duplicates);
    const rule = startTrainingRule(options.rulePattern, TEST_ENV.DATASETS_BUCKET as string);
    const scenarios = [
      { scenario: 'unfiltered (every object event invokes)', events: all },
      {
        scenario: 'rule-filtered (serverless.yml pattern)',
        events: all.filter((e) => matchesPattern(rule, e)),
      },
    ];
    const results: BurstResult[] = [];
    for (const { scenario, events } of scenarios) {
      const runs: BurstRun[] = [];
      for (let r = 0; r < options.runs; r++) {
        stub.reset();
        const outcomes: Record<string, number> = {};
        let next = 0;
        const started = performance.now();
        const worker = async (): Promise<void> => {
          while (next < events.length) {
            const event = events[next++];
            const response = (await handler(event, {})) as {
              status: string;
              outcomes?: Array<{ outcome: string }>;
            };
            const outcome = response.outcomes?.[0]?.outcome ?? response.status;
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        const seconds = (performance.now() - started) / 1000;
        const { other, ...counts } = stub.counts;
        runs.push({
          deliveries: events.length,
          seconds,
          eventsPerSecond: events.length / seconds,
          outcomes,
          counts: { ...counts, unexpectedCalls: other.length },
        });
      }
      results.push({ scenario, runs, medianEventsPerSecond: median(runs.map((run) => run.eventsPerSecond)) });
    }
    return results;
  } finally {
    await stub.close();
  }
}
