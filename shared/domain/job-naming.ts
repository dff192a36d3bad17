import { createHash } from 'node:crypto';

/** SageMaker's TrainingJobName rule. */
export const TRAINING_JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MAX_NAME_LENGTH = 63;
const RUN_HASH_LENGTH = 12;

export type RunTrigger = 'dataset-upload' | 'schedule' | 'manual';

/** What identifies a run: the same inputs always give the same run id, so duplicates collapse. */
export type RunIdentity =
  | { trigger: 'dataset-upload'; bucket: string; key: string; versionOrEtag: string }
  | { trigger: 'schedule'; bucket: string; datasetVersionRoot: string; slot: string }
  | { trigger: 'manual'; bucket: string; datasetVersionRoot: string; requestId: string };

export function runIdFor(identity: RunIdentity): string {
  const material =
    identity.trigger === 'dataset-upload'
      ? [identity.trigger, identity.bucket, identity.key, identity.versionOrEtag]
      : identity.trigger === 'schedule'
        ? [identity.trigger, identity.bucket, identity.datasetVersionRoot, identity.slot]
        : [identity.trigger, identity.bucket, identity.datasetVersionRoot, identity.requestId];
  return createHash('sha256').update(material.join('\u0000')).digest('hex').slice(0, RUN_HASH_LENGTH);
}

/** Lower-case letters, digits and single hyphens; never empty. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'dataset';
}

/**
 * `<prefix>-<dataset-slug>-<run-id>-<attempt>`, at most 63 characters. The dataset slug is cut to fit,
 * never the run id or the attempt, which carry the identity.
 */
export function trainingJobName(prefix: string, dataset: string, runId: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be >= 1, got ${attempt}`);
  const tail = `-${runId}-${attempt}`;
  const room = MAX_NAME_LENGTH - prefix.length - 1 - tail.length;
  const slug = slugify(dataset).slice(0, Math.max(room, 1)).replace(/-+$/, '') || 'd';
  const name = `${prefix}-${slug}${tail}`;
  if (!TRAINING_JOB_NAME_PATTERN.test(name))
    throw new RangeError(`cannot build a valid job name from ${name}`);
  return name;
}

export interface ParsedJobName {
  prefix: string;
  runId: string;
  attempt: number;
}

/** Reads a job name we built; undefined for any job that is not ours. */
export function parseTrainingJobName(prefix: string, name: string): ParsedJobName | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const match = /-([0-9a-f]{12})-(\d{1,2})$/.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  return { prefix, runId: match[1], attempt: Number(match[2]) };
}
