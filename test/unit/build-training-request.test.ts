import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateAgainstModel } from '../../local/aws-api-model/validate-request';
import { parseConfig } from '../../shared/config/load-config';
import { buildTrainingRequest, firstAttempt } from '../../shared/domain/build-training-request';
import { readiness } from '../../shared/domain/dataset-location';
import { InvalidDatasetError } from '../../shared/errors';
import { assertValidSageMakerRequest } from '../support/sagemaker-model';

const baseEnv = {
  TRAINING_IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/resnet-trainer:abc123',
  SAGEMAKER_ROLE_ARN: 'arn:aws:iam::123456789012:role/sagemaker-execution',
  OUTPUT_S3_URI: 's3://artifacts/models',
  CHECKPOINT_S3_URI: 's3://artifacts/checkpoints',
  DATASETS_BUCKET: 'data',
  DEFAULT_HYPERPARAMETERS: '{"epochs": 10, "arch": "resnet50"}',
};

const versionOf = (key: string) => {
  const gate = readiness({ bucket: 'data', prefix: 'datasets' }, 'data', key);
  assert.ok(gate.ready);
  return gate.datasetVersion;
};

describe('buildTrainingRequest', () => {
  it('builds the exact spot GPU request for a first attempt', () => {
    const config = parseConfig(baseEnv);
    const run = firstAttempt(config, {
      runId: 'abcdef012345',
      trigger: 'dataset-upload',
      datasetVersion: versionOf('datasets/cats/v1/manifest.json'),
      manifest: { hyperparameters: { epochs: 3 } },
    });
    const request = buildTrainingRequest(config, run);
    assert.deepEqual(request, {
      TrainingJobName: 'gto-cats-abcdef012345-1',
      AlgorithmSpecification: {
        TrainingImage: baseEnv.TRAINING_IMAGE_URI,
        TrainingInputMode: 'File',
        MetricDefinitions: config.metricDefinitions,
        EnableSageMakerMetricsTimeSeries: true,
      },
      RoleArn: baseEnv.SAGEMAKER_ROLE_ARN,
      HyperParameters: { epochs: '3', arch: 'resnet50' },
      InputDataConfig: [
        {
          ChannelName: 'train',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: 's3://data/datasets/cats/v1/train/',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          InputMode: 'File',
        },
        {
          ChannelName: 'validation',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: 's3://data/datasets/cats/v1/validation/',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          InputMode: 'File',
        },
      ],
      OutputDataConfig: { S3OutputPath: 's3://artifacts/models/abcdef012345/' },
      ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400, MaxWaitTimeInSeconds: 172800 },
      EnableManagedSpotTraining: true,
      CheckpointConfig: {
        S3Uri: 's3://artifacts/checkpoints/abcdef012345/',
        LocalPath: '/opt/ml/checkpoints',
      },
      RetryStrategy: { MaximumRetryAttempts: 2 },
      EnableNetworkIsolation: false,
      Tags: [
        { Key: 'orchestrator:run-id', Value: 'abcdef012345' },
        { Key: 'orchestrator:attempt', Value: '1' },
        { Key: 'orchestrator:trigger', Value: 'dataset-upload' },
        { Key: 'orchestrator:dataset', Value: 'cats' },
        { Key: 'orchestrator:dataset-version', Value: 'v1' },
        { Key: 'orchestrator:dataset-uri', Value: 's3://data/datasets/cats/v1/' },
        { Key: 'orchestrator:managed-by', Value: 'gpu-training-orchestrator' },
      ],
    });
    assertValidSageMakerRequest('CreateTrainingJob', request);
  });

  it('leaves spot settings out when spot is off, and adds VPC, isolation, KMS and FastFile when set', () => {
    const config = parseConfig({
      ...baseEnv,
      USE_SPOT: 'false',
      VPC_SUBNET_IDS: 'subnet-0123456789abcdef0',
      VPC_SECURITY_GROUP_IDS: 'sg-0123456789abcdef0',
      NETWORK_ISOLATION: 'true',
      KMS_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      INPUT_MODE: 'FastFile',
      INSTANCE_COUNT: '2',
    });
    const run = firstAttempt(config, {
      runId: 'abcdef012345',
      trigger: 'schedule',
      datasetVersion: versionOf('datasets/cats/v1/manifest.json'),
      manifest: {
        instanceType: 'ml.p3.2xlarge',
        channels: { train: { path: 'images/', inputMode: 'File' } },
      },
    });
    const request = buildTrainingRequest(config, run);
    assert.equal(request.EnableManagedSpotTraining, false);
    assert.deepEqual(request.StoppingCondition, { MaxRuntimeInSeconds: 86400 });
    assert.deepEqual(request.VpcConfig, {
      Subnets: ['subnet-0123456789abcdef0'],
      SecurityGroupIds: ['sg-0123456789abcdef0'],
    });
    assert.equal(request.EnableNetworkIsolation, true);
    assert.equal(request.EnableInterContainerTrafficEncryption, true);
    assert.equal(request.ResourceConfig?.VolumeKmsKeyId, config.kmsKeyId);
    assert.equal(request.OutputDataConfig?.KmsKeyId, config.kmsKeyId);
    assert.equal(request.ResourceConfig?.InstanceType, 'ml.p3.2xlarge');
    assert.equal(request.ResourceConfig?.InstanceCount, 2);
    assert.deepEqual(
      request.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3Uri, c.InputMode]),
      [
        ['train', 's3://data/datasets/cats/v1/images/', 'File'],
        ['validation', 's3://data/datasets/cats/v1/validation/', 'FastFile'],
      ],
    );
    assertValidSageMakerRequest('CreateTrainingJob', request);
  });

  it('stays valid for unicode, spaces and long dataset names', () => {
    const config = parseConfig(baseEnv);
    const key = `datasets/Chats & chiens é/${'v'.repeat(300)} 2026/manifest.json`;
    const request = buildTrainingRequest(
      config,
      firstAttempt(config, {
        runId: 'abcdef012345',
        trigger: 'dataset-upload',
        datasetVersion: versionOf(key),
        manifest: {},
      }),
    );
    assertValidSageMakerRequest('CreateTrainingJob', request);
    for (const tag of request.Tags ?? []) assert.ok((tag.Value ?? '').length <= 256);
  });

  it('refuses a dataset path that makes an S3 URI longer than SageMaker allows (1,024-byte keys)', () => {
    const config = parseConfig(baseEnv);
    const key = `datasets/cats/${'v'.repeat(1024 - 'datasets/cats//manifest.json'.length)}/manifest.json`;
    assert.equal(Buffer.byteLength(key), 1024);
    const run = firstAttempt(config, {
      runId: 'abcdef012345',
      trigger: 'dataset-upload',
      datasetVersion: versionOf(key),
      manifest: {},
    });
    assert.throws(() => buildTrainingRequest(config, run), InvalidDatasetError);
  });

  it('refuses more than 100 hyperparameters', () => {
    const config = parseConfig(baseEnv);
    const run = firstAttempt(config, {
      runId: 'abcdef012345',
      trigger: 'dataset-upload',
      datasetVersion: versionOf('datasets/c/v/manifest.json'),
      manifest: {},
    });
    run.hyperparameters = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
    assert.throws(() => buildTrainingRequest(config, run), /101 hyperparameters; SageMaker allows 100/);
  });

  it('the API model check itself catches a broken request', () => {
    assert.ok(validateAgainstModel('CreateTrainingJob', { TrainingJobName: 'bad_name!' }).length > 0);
  });
});
