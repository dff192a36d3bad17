import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { datasetVersionRoot, MANIFEST_FILE } from './dataset-location';
import type { RunTrigger } from './job-naming';
import { type ParsedJobName, parseTrainingJobName } from './job-naming';
import { TAG, type TrainingRun } from './training-run';

export const MANAGED_BY = 'gpu-training-orchestrator';

export interface RebuildSettings {
  jobNamePrefix: string;
  datasetsBucket: string;
  datasetsPrefix: string;
  inputMode: 'File' | 'FastFile';
}

export type RebuildResult =
  | { ours: true; run: TrainingRun; parsed: ParsedJobName }
  | { ours: false; reason: 'not-our-name' | 'not-managed-by-us' | 'no-dataset' };

const TRIGGERS: readonly RunTrigger[] = ['dataset-upload', 'schedule', 'manual'];

/**
 * The TrainingRun of an attempt, rebuilt from SageMaker alone (DescribeTrainingJob + ListTags): the
 * next attempt reuses its channels, hyperparameters, instance type and spot setting. The dataset name
 * and version come from the channel URIs (exact), else from the tags (which may be sanitized).
 */
export function rebuildRun(
  settings: RebuildSettings,
  job: DescribeTrainingJobResponse,
  tags: Record<string, string>,
): RebuildResult {
  const name = job.TrainingJobName ?? '';
  const parsed = parseTrainingJobName(settings.jobNamePrefix, name);
  if (!parsed) return { ours: false, reason: 'not-our-name' };
  if (tags[TAG.managedBy] !== MANAGED_BY) return { ours: false, reason: 'not-managed-by-us' };
  const channels = (job.InputDataConfig ?? []).map((channel) => ({
    name: channel.ChannelName ?? '',
    s3Uri: channel.DataSource?.S3DataSource?.S3Uri ?? '',
    // The failed attempt's own mode wins; the deployment's applies only where the job did not say.
    inputMode:
      channel.InputMode === 'FastFile' || channel.InputMode === 'File'
        ? channel.InputMode
        : settings.inputMode,
  }));
  const location = datasetFromChannels(settings, channels) ?? datasetFromTags(tags);
  if (!location) return { ours: false, reason: 'no-dataset' };
  const trigger = tags[TAG.trigger];
  return {
    ours: true,
    parsed,
    run: {
      runId: parsed.runId,
      attempt: parsed.attempt,
      trigger: TRIGGERS.includes(trigger as RunTrigger) ? (trigger as RunTrigger) : 'manual',
      datasetVersion: {
        bucket: location.bucket,
        dataset: location.dataset,
        version: location.version,
        versionRoot: location.versionRoot,
        manifestKey: `${location.versionRoot}${MANIFEST_FILE}`,
      },
      instanceType: job.ResourceConfig?.InstanceType ?? 'unknown',
      spot: job.EnableManagedSpotTraining === true,
      hyperparameters: { ...(job.HyperParameters ?? {}) },
      channels,
    },
  };
}

interface Location {
  bucket: string;
  dataset: string;
  version: string;
  versionRoot: string;
}

function datasetFromChannels(settings: RebuildSettings, channels: { s3Uri: string }[]): Location | undefined {
  const base = `s3://${settings.datasetsBucket}/${settings.datasetsPrefix}/`;
  for (const channel of channels) {
    if (!channel.s3Uri.startsWith(base)) continue;
    const [dataset, version] = channel.s3Uri.slice(base.length).split('/');
    if (dataset && version)
      return {
        bucket: settings.datasetsBucket,
        dataset,
        version,
        versionRoot: datasetVersionRoot(settings.datasetsPrefix, dataset, version),
      };
  }
  return undefined;
}

function datasetFromTags(tags: Record<string, string>): Location | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+\/)$/.exec(tags[TAG.datasetUri] ?? '');
  const dataset = tags[TAG.dataset];
  const version = tags[TAG.datasetVersion];
  if (!match?.[1] || !match[2] || !dataset || !version) return undefined;
  return { bucket: match[1], dataset, version, versionRoot: match[2] };
}
