import type { DatasetVersion } from './dataset-location';
import type { RunTrigger } from './job-naming';

/** One channel of a training job, resolved to its S3 location. */
export interface ChannelSpec {
  name: string;
  s3Uri: string;
  inputMode: 'File' | 'FastFile';
}

/** Everything that decides one attempt of a run; the request builder turns it into CreateTrainingJob. */
export interface TrainingRun {
  runId: string;
  attempt: number;
  trigger: RunTrigger;
  datasetVersion: DatasetVersion;
  instanceType: string;
  spot: boolean;
  hyperparameters: Record<string, string>;
  channels: ChannelSpec[];
}

/** Tag keys a job carries so a follow-up function can rebuild its run from SageMaker alone. */
export const TAG = {
  runId: 'orchestrator:run-id',
  attempt: 'orchestrator:attempt',
  trigger: 'orchestrator:trigger',
  dataset: 'orchestrator:dataset',
  datasetVersion: 'orchestrator:dataset-version',
  datasetUri: 'orchestrator:dataset-uri',
  managedBy: 'orchestrator:managed-by',
  /** Set once Training Run Started was published for the job. */
  announced: 'orchestrator:announced',
} as const;

const MAX_TAG_VALUE = 256;

/** Tag values allow letters, digits, spaces and `_.:/=+-@`; anything else becomes `_`. */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
}
