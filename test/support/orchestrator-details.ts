import { DETAIL_TYPES, type DetailType, jobLinks } from '../../shared/domain/orchestrator-events';
import type { NotificationDetail } from '../../shared/domain/render-slack-message';

const JOB = 'gto-cats-0123456789ab-2';
const base: NotificationDetail = {
  runId: '0123456789ab',
  jobName: JOB,
  attempt: 2,
  maxAttempts: 3,
  trigger: 'dataset-upload',
  dataset: { name: 'cats', version: 'v1', uri: 's3://gto-datasets/datasets/cats/v1/' },
  instanceType: 'ml.g5.4xlarge',
  instanceCount: 1,
  spot: true,
  links: jobLinks('us-east-1', JOB),
};

/** One realistic detail per orchestrator event type, as the producers emit them. */
export const SAMPLE_DETAILS: Record<DetailType, NotificationDetail> = {
  [DETAIL_TYPES.started]: {
    ...base,
    reason:
      'retry of attempt 1 after CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.',
  },
  [DETAIL_TYPES.retrying]: {
    ...base,
    attempt: 1,
    jobName: 'gto-cats-0123456789ab-1',
    failureReason: 'InternalServerError: We encountered an internal error.  Please try again.',
    failureClass: 'InternalServerError',
    nextAction: 'launch attempt 2 on ml.g5.4xlarge (spot) again after a 120s backoff',
    nextInstanceType: 'ml.g5.4xlarge',
    nextSpot: true,
    nextAttemptAt: '2026-01-05T10:02:00.000Z',
  },
  [DETAIL_TYPES.succeeded]: {
    ...base,
    metrics: { 'validation:accuracy': 0.9312, 'validation:loss': 0.2104, epoch: 10 },
    trainingSeconds: 3725,
    billableSeconds: 1118,
    spotSavings: 0.7,
    estimatedCostUsd: 0.63,
    modelArtifacts: 's3://gto-artifacts/models/0123456789ab/gto-cats-0123456789ab-2/output/model.tar.gz',
    modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/gto-models/7',
    modelPackageVersion: 7,
    approvalStatus: 'Approved',
  },
  [DETAIL_TYPES.failed]: {
    ...base,
    status: 'Failed',
    failureReason: 'AlgorithmError: ExecuteUserScriptError: ExitCode 137',
    failureClass: 'AlgorithmError',
    remedy:
      "The training process was killed (exit code 137), almost always out of memory. Lower 'batch_size' (or 'image_size') in manifest.json, or use a GPU with more memory, then upload manifest.json again.",
  },
  [DETAIL_TYPES.stopped]: {
    ...base,
    status: 'Stopped',
    failureReason: 'Training ran longer than MaxRuntimeInSeconds and was stopped (MaxRuntimeExceeded).',
    failureClass: 'MaxRuntimeExceeded',
    remedy:
      "Training hit the runtime limit of 86400s (MAX_RUNTIME_SECONDS) and was stopped. Raise MAX_RUNTIME_SECONDS, or train fewer epochs (hyperparameter 'epochs' in manifest.json).",
  },
  [DETAIL_TYPES.registered]: {
    ...base,
    modelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/gto-models/7',
    modelPackageGroupName: 'gto-models',
    modelPackageVersion: 7,
    approvalStatus: 'PendingManualApproval',
    approvalMetric: 'validation:accuracy',
    approvalMetricValue: 0.8712,
    approvalThreshold: 0.9,
    modelDataUrl: 's3://gto-artifacts/models/0123456789ab/gto-cats-0123456789ab-2/output/model.tar.gz',
  },
  [DETAIL_TYPES.skipped]: {
    runId: 'fedcba987654',
    trigger: 'schedule',
    dataset: { name: 'cats', version: 'v1', uri: 's3://gto-datasets/datasets/cats/v1/' },
    reason:
      'a job for this dataset version is still running (gto-cats-0123456789ab-2); the schedule will try again at its next slot',
    runningJobName: 'gto-cats-0123456789ab-2',
  },
};
