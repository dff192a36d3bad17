import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { OrchestratorConfig } from '../config/load-config';
import { InvalidDatasetError } from '../errors';
import type { DatasetVersion } from './dataset-location';
import { datasetUri } from './dataset-location';
import type { RunTrigger } from './job-naming';
import { trainingJobName } from './job-naming';
import { HYPERPARAMETER_LIMITS, type Manifest } from './manifest';
import { TAG, type TrainingRun, tagValue } from './training-run';

export const CHECKPOINT_LOCAL_PATH = '/opt/ml/checkpoints';
export const DEFAULT_CHANNELS = { train: 'train/', validation: 'validation/' } as const;
const S3_URI_MAX = 1024;
/** SageMaker's own retries for InternalServerError inside one job, before our retry function acts. */
const SAGEMAKER_INTERNAL_RETRIES = 2;

type LaunchSettings = Pick<
  OrchestratorConfig,
  'instanceTypes' | 'spot' | 'defaultHyperparameters' | 'inputMode'
>;

/** The first attempt of a run: defaults from the deployment, overrides from the manifest. */
export function firstAttempt(
  config: LaunchSettings,
  input: { runId: string; trigger: RunTrigger; datasetVersion: DatasetVersion; manifest: Manifest },
): TrainingRun {
  const { manifest, datasetVersion } = input;
  const channelPaths: Record<string, string | { path: string; inputMode?: 'File' | 'FastFile' }> = {
    ...DEFAULT_CHANNELS,
    ...manifest.channels,
  };
  const baseMode = manifest.inputMode ?? config.inputMode;
  const channels = Object.entries(channelPaths).map(([name, spec]) => {
    const path = typeof spec === 'string' ? spec : spec.path;
    const inputMode = typeof spec === 'string' ? baseMode : (spec.inputMode ?? baseMode);
    return { name, s3Uri: `${datasetUri(datasetVersion)}${path.replace(/^\.\//, '')}`, inputMode };
  });
  const hyperparameters: Record<string, string> = { ...config.defaultHyperparameters };
  for (const [key, value] of Object.entries(manifest.hyperparameters ?? {}))
    hyperparameters[key] = String(value);
  const instanceType = manifest.instanceType ?? config.instanceTypes[0];
  if (!instanceType) throw new RangeError('the instance-type ladder is empty');
  return {
    runId: input.runId,
    attempt: 1,
    trigger: input.trigger,
    datasetVersion,
    instanceType,
    spot: config.spot.enabled,
    hyperparameters,
    channels,
  };
}

type RequestSettings = Pick<
  OrchestratorConfig,
  | 'jobNamePrefix'
  | 'trainingImageUri'
  | 'sagemakerRoleArn'
  | 'metricDefinitions'
  | 'outputS3Uri'
  | 'checkpointS3Uri'
  | 'instanceCount'
  | 'volumeSizeGb'
  | 'maxRuntimeSeconds'
  | 'spot'
  | 'vpc'
  | 'networkIsolation'
  | 'kmsKeyId'
>;

/** A pure function of the settings and the run: the exact CreateTrainingJob request for one attempt. */
export function buildTrainingRequest(config: RequestSettings, run: TrainingRun): CreateTrainingJobRequest {
  const TrainingJobName = trainingJobName(
    config.jobNamePrefix,
    run.datasetVersion.dataset,
    run.runId,
    run.attempt,
  );
  checkHyperparameters(run.hyperparameters);
  for (const channel of run.channels) {
    if (channel.s3Uri.length > S3_URI_MAX)
      throw new InvalidDatasetError(
        `channel '${channel.name}' S3 URI is ${channel.s3Uri.length} characters; SageMaker allows ${S3_URI_MAX}. Use a shorter dataset or version name.`,
        { channel: channel.name, length: channel.s3Uri.length },
      );
  }
  const dataset = run.datasetVersion;
  return {
    TrainingJobName,
    AlgorithmSpecification: {
      TrainingImage: config.trainingImageUri,
      TrainingInputMode: 'File',
      MetricDefinitions: config.metricDefinitions.map(({ Name, Regex }) => ({ Name, Regex })),
      EnableSageMakerMetricsTimeSeries: true,
    },
    RoleArn: config.sagemakerRoleArn,
    HyperParameters: run.hyperparameters,
    InputDataConfig: run.channels.map((channel) => ({
      ChannelName: channel.name,
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: channel.s3Uri,
          S3DataDistributionType: 'FullyReplicated',
        },
      },
      InputMode: channel.inputMode,
    })),
    OutputDataConfig: {
      S3OutputPath: `${config.outputS3Uri}/${run.runId}/`,
      ...(config.kmsKeyId ? { KmsKeyId: config.kmsKeyId } : {}),
    },
    ResourceConfig: {
      InstanceType: run.instanceType as NonNullable<
        CreateTrainingJobRequest['ResourceConfig']
      >['InstanceType'],
      InstanceCount: config.instanceCount,
      VolumeSizeInGB: config.volumeSizeGb,
      ...(config.kmsKeyId ? { VolumeKmsKeyId: config.kmsKeyId } : {}),
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: config.maxRuntimeSeconds,
      ...(run.spot
        ? { MaxWaitTimeInSeconds: Math.max(config.spot.maxWaitSeconds, config.maxRuntimeSeconds) }
        : {}),
    },
    EnableManagedSpotTraining: run.spot,
    // Checkpoints are per run, not per attempt: a retry or a spot restart resumes where the last stopped.
    CheckpointConfig: { S3Uri: `${config.checkpointS3Uri}/${run.runId}/`, LocalPath: CHECKPOINT_LOCAL_PATH },
    RetryStrategy: { MaximumRetryAttempts: SAGEMAKER_INTERNAL_RETRIES },
    EnableNetworkIsolation: config.networkIsolation,
    ...(config.vpc
      ? {
          VpcConfig: { Subnets: config.vpc.subnets, SecurityGroupIds: config.vpc.securityGroupIds },
          EnableInterContainerTrafficEncryption: true,
        }
      : {}),
    Tags: [
      { Key: TAG.runId, Value: run.runId },
      { Key: TAG.attempt, Value: String(run.attempt) },
      { Key: TAG.trigger, Value: run.trigger },
      { Key: TAG.dataset, Value: tagValue(dataset.dataset) },
      { Key: TAG.datasetVersion, Value: tagValue(dataset.version) },
      { Key: TAG.datasetUri, Value: tagValue(datasetUri(dataset)) },
      { Key: TAG.managedBy, Value: 'gpu-training-orchestrator' },
    ],
  };
}

function checkHyperparameters(hyperparameters: Record<string, string>): void {
  const entries = Object.entries(hyperparameters);
  if (entries.length > HYPERPARAMETER_LIMITS.count)
    throw new InvalidDatasetError(
      `${entries.length} hyperparameters; SageMaker allows ${HYPERPARAMETER_LIMITS.count}`,
    );
  for (const [key, value] of entries) {
    if (key.length > HYPERPARAMETER_LIMITS.keyLength || value.length > HYPERPARAMETER_LIMITS.valueLength)
      throw new InvalidDatasetError(
        `hyperparameter '${key.slice(0, 40)}' exceeds SageMaker's limits (key ${HYPERPARAMETER_LIMITS.keyLength}, value ${HYPERPARAMETER_LIMITS.valueLength} characters)`,
      );
  }
}
