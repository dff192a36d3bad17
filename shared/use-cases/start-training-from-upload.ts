import { firstAttempt } from '../domain/build-training-request';
import { type DatasetVersion, type IgnoreReason, readiness } from '../domain/dataset-location';
import { runIdFor } from '../domain/job-naming';
import { parseManifest } from '../domain/manifest';
import { DETAIL_TYPES, type FinalFailureDetail } from '../domain/orchestrator-events';
import { runContext } from '../domain/run-context';
import { InvalidDatasetError, InvalidManifestError, type OrchestratorError } from '../errors';
import { type LaunchDependencies, type LaunchOutcome, launchAttempt } from './launch-attempt';
import type { DatasetStore } from './ports';

export interface UploadedObject {
  bucket: string;
  /** Already URL-decoded. */
  key: string;
  /**
   * What tells this PUT from another: the version id in a versioned bucket, else S3's sequencer (new for
   * every PUT, the same on every delivery of one event), else the ETag.
   */
  versionOrEtag: string;
}

export type UploadOutcome =
  | LaunchOutcome
  | { outcome: 'ignored'; reason: IgnoreReason }
  | { outcome: 'rejected'; code: string; message: string };

/**
 * A dataset object was created.
 * 1. Readiness gate: only `<prefix>/<dataset>/<version>/manifest.json` goes on (no AWS call otherwise).
 * 2. Read the manifest (size-limited), validate it against the schema and the allow-lists.
 * 3. Derive the run id from bucket, key and version, so duplicate deliveries name the same job.
 * 4. Launch attempt 1 (see launchAttempt).
 * Emits: Training Run Started, or Training Run Failed (class InvalidManifest / InvalidDataset) for a
 * dataset that can never train, so the person who uploaded it hears why.
 */
export async function startTrainingFromUpload(
  deps: LaunchDependencies & { datasets: DatasetStore },
  object: UploadedObject,
): Promise<UploadOutcome> {
  const { config } = deps;
  const gate = readiness(
    { bucket: config.datasetsBucket, prefix: config.datasetsPrefix },
    object.bucket,
    object.key,
  );
  if (!gate.ready) return { outcome: 'ignored', reason: gate.reason };
  const datasetVersion = gate.datasetVersion;
  const runId = runIdFor({
    trigger: 'dataset-upload',
    bucket: object.bucket,
    key: object.key,
    versionOrEtag: object.versionOrEtag,
  });
  try {
    const { body, byteLength } = await deps.datasets.readManifest(
      object.bucket,
      datasetVersion.manifestKey,
      config.manifestMaxBytes,
    );
    const manifest = parseManifest(body, byteLength, {
      maxBytes: config.manifestMaxBytes,
      allowedHyperparameters: config.manifestHyperparameterAllowList,
      allowedInstanceTypes: config.instanceTypes,
    });
    const run = firstAttempt(config, { runId, trigger: 'dataset-upload', datasetVersion, manifest });
    return await launchAttempt(deps, run, {
      reason: `manifest.json uploaded to ${datasetVersion.versionRoot}`,
    });
  } catch (error) {
    if (error instanceof InvalidManifestError || error instanceof InvalidDatasetError) {
      await reportRejectedDataset(deps, datasetVersion, runId, 'dataset-upload', error);
      return { outcome: 'rejected', code: error.code, message: error.message };
    }
    throw error;
  }
}

/** A dataset that can never train is a final failure of its run, said once, with what to fix. */
export async function reportRejectedDataset(
  deps: LaunchDependencies,
  datasetVersion: DatasetVersion,
  runId: string,
  trigger: 'dataset-upload' | 'schedule',
  error: OrchestratorError,
): Promise<void> {
  const { config } = deps;
  const context = runContext(config, {
    runId,
    attempt: 1,
    trigger,
    datasetVersion,
    instanceType: config.instanceTypes[0] ?? 'unknown',
    spot: config.spot.enabled,
    hyperparameters: {},
    channels: [],
  });
  const detail: FinalFailureDetail = {
    ...context,
    status: 'Failed',
    failureReason: error.message,
    failureClass: error.code,
    remedy: `No job was started. Fix ${datasetVersion.versionRoot}manifest.json (or the dataset layout) and upload manifest.json again.`,
  };
  await deps.events.publish([{ detailType: DETAIL_TYPES.failed, detail }]);
}
