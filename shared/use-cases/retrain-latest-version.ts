import { firstAttempt } from '../domain/build-training-request';
import {
  type DatasetVersion,
  datasetUri,
  datasetVersionRoot,
  MANIFEST_FILE,
} from '../domain/dataset-location';
import { parseTrainingJobName, runIdFor, slugify } from '../domain/job-naming';
import { parseManifest } from '../domain/manifest';
import { DETAIL_TYPES, type SkippedDetail } from '../domain/orchestrator-events';
import { DatasetNotFoundError, InvalidDatasetError, InvalidManifestError } from '../errors';
import { type LaunchDependencies, launchAttempt } from './launch-attempt';
import type { DatasetStore } from './ports';
import { reportRejectedDataset, type UploadOutcome } from './start-training-from-upload';

export type RetrainOutcome = UploadOutcome | { outcome: 'skipped'; reason: string; runningJobName?: string };

/**
 * The schedule fired for a time slot.
 * 1. Find the dataset's newest version (newest manifest.json under <prefix>/<dataset>/).
 * 2. If a job for that version is already running, skip (log + Training Run Skipped).
 * 3. Run id from dataset version and slot: a duplicated schedule delivery names the same job.
 * 4. Launch attempt 1 with trigger 'schedule'.
 * Emits: Training Run Started | Training Run Skipped | Training Run Failed (invalid manifest).
 */
export async function retrainLatestVersion(
  deps: LaunchDependencies & { datasets: DatasetStore },
  input: { dataset: string; slot: string },
): Promise<RetrainOutcome> {
  const { config } = deps;
  const bucket = config.datasetsBucket;
  const markers = await deps.datasets.listVersions(bucket, `${config.datasetsPrefix}/${input.dataset}/`);
  const latest = markers
    .filter((marker) => marker.manifestKey.endsWith(`/${MANIFEST_FILE}`))
    .sort(
      (a, b) => b.lastModified.getTime() - a.lastModified.getTime() || b.version.localeCompare(a.version),
    )[0];
  if (!latest)
    throw new DatasetNotFoundError(
      `no version of dataset '${input.dataset}' has a manifest.json under s3://${bucket}/${config.datasetsPrefix}/${input.dataset}/`,
      { dataset: input.dataset },
    );
  const versionRoot = datasetVersionRoot(config.datasetsPrefix, input.dataset, latest.version);
  const datasetVersion: DatasetVersion = {
    bucket,
    dataset: input.dataset,
    version: latest.version,
    versionRoot,
    manifestKey: latest.manifestKey,
  };
  const runId = runIdFor({ trigger: 'schedule', bucket, datasetVersionRoot: versionRoot, slot: input.slot });

  const running = await findRunningJobFor(deps, datasetVersion);
  // A repeated delivery of this slot finds the job its first delivery started: that is no reason to skip.
  if (running && parseTrainingJobName(config.jobNamePrefix, running)?.runId === runId)
    return { outcome: 'already-launched', jobName: running };
  if (running) {
    const detail: SkippedDetail = {
      runId,
      trigger: 'schedule',
      dataset: { name: input.dataset, version: latest.version, uri: datasetUri(datasetVersion) },
      reason: `a job for this dataset version is still running (${running}); the schedule will try again at its next slot`,
      runningJobName: running,
    };
    await deps.events.publish([{ detailType: DETAIL_TYPES.skipped, detail }]);
    return { outcome: 'skipped', reason: detail.reason, runningJobName: running };
  }
  try {
    const { body, byteLength } = await deps.datasets.readManifest(
      bucket,
      latest.manifestKey,
      config.manifestMaxBytes,
    );
    const manifest = parseManifest(body, byteLength, {
      maxBytes: config.manifestMaxBytes,
      allowedHyperparameters: config.manifestHyperparameterAllowList,
      allowedInstanceTypes: config.instanceTypes,
    });
    const run = firstAttempt(config, { runId, trigger: 'schedule', datasetVersion, manifest });
    return await launchAttempt(deps, run, { reason: `scheduled retrain (slot ${input.slot})` });
  } catch (error) {
    if (error instanceof InvalidManifestError || error instanceof InvalidDatasetError) {
      await reportRejectedDataset(deps, datasetVersion, runId, 'schedule', error);
      return { outcome: 'rejected', code: error.code, message: error.message };
    }
    throw error;
  }
}

/** An InProgress job of ours whose train channel reads this dataset version, if any. */
async function findRunningJobFor(
  deps: LaunchDependencies,
  version: DatasetVersion,
): Promise<string | undefined> {
  const candidates = await deps.jobs.listInProgress(
    `${deps.config.jobNamePrefix}-${slugify(version.dataset).slice(0, 20)}`,
  );
  for (const name of candidates) {
    const job = await deps.jobs.describe(name);
    const readsVersion = job.InputDataConfig?.some((channel) =>
      channel.DataSource?.S3DataSource?.S3Uri?.startsWith(datasetUri(version)),
    );
    if (readsVersion) return name;
  }
  return undefined;
}
