import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import metricDefinitions from '../../container/metric-definitions.json' with { type: 'json' };
import { parseConfig } from '../../shared/config/load-config';
import { ConfigurationError } from '../../shared/errors';

const REQUIRED = {
  TRAINING_IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/resnet-trainer:abc123',
  SAGEMAKER_ROLE_ARN: 'arn:aws:iam::123456789012:role/sagemaker-execution',
  OUTPUT_S3_URI: 's3://artifacts-bucket/models',
  CHECKPOINT_S3_URI: 's3://artifacts-bucket/checkpoints/',
  DATASETS_BUCKET: 'datasets-bucket',
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.details.problems as string[];
  }
  return [];
};

describe('parseConfig', () => {
  it('applies documented defaults and uses the container metric definitions', () => {
    const config = parseConfig(REQUIRED);
    assert.deepEqual(config.instanceTypes, [
      'ml.g5.2xlarge',
      'ml.g5.4xlarge',
      'ml.g4dn.2xlarge',
      'ml.p3.2xlarge',
    ]);
    assert.equal(config.spot.enabled, true);
    assert.equal(config.spot.maxWaitSeconds, 172800);
    assert.equal(config.maxRuntimeSeconds, 86400);
    assert.equal(config.checkpointS3Uri, 's3://artifacts-bucket/checkpoints');
    assert.equal(config.datasetsPrefix, 'datasets');
    assert.equal(config.jobNamePrefix, 'gto');
    assert.equal(config.maxAttempts, 4);
    assert.deepEqual(config.metricDefinitions, metricDefinitions);
    assert.equal(config.vpc, undefined);
    assert.equal(config.inputMode, 'File');
  });

  it('names every missing required setting at once', () => {
    const problems = problemsOf({});
    for (const name of Object.keys(REQUIRED))
      assert.ok(
        problems.some((p) => p.startsWith(`${name} is required`)),
        `${name} missing from ${problems}`,
      );
  });

  it('rejects CPU instance types unless explicitly allowed', () => {
    const problems = problemsOf({ ...REQUIRED, INSTANCE_TYPES: 'ml.g5.xlarge,ml.m5.xlarge' });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /INSTANCE_TYPES=.*"ml\.m5\.xlarge", which is not a GPU training type/);
    const allowed = parseConfig({
      ...REQUIRED,
      INSTANCE_TYPES: 'ml.g5.xlarge,ml.m5.xlarge',
      ALLOW_CPU_INSTANCES: 'true',
    });
    assert.deepEqual(allowed.instanceTypes, ['ml.g5.xlarge', 'ml.m5.xlarge']);
  });

  it('rejects a spot max wait shorter than the max runtime', () => {
    const problems = problemsOf({ ...REQUIRED, MAX_RUNTIME_SECONDS: '7200', MAX_WAIT_SECONDS: '3600' });
    assert.deepEqual(problems, [
      'MAX_WAIT_SECONDS="3600" must be >= MAX_RUNTIME_SECONDS (7200) when spot is on',
    ]);
    assert.equal(
      parseConfig({ ...REQUIRED, USE_SPOT: 'false', MAX_RUNTIME_SECONDS: '7200', MAX_WAIT_SECONDS: '3600' })
        .spot.enabled,
      false,
    );
  });

  it('rejects typos in numbers, booleans, JSON and modes with the setting name', () => {
    const problems = problemsOf({
      ...REQUIRED,
      INSTANCE_COUNT: 'two',
      USE_SPOT: 'maybe',
      DEFAULT_HYPERPARAMETERS: '{"epochs": [1]}',
      INPUT_MODE: 'Pipe',
      JOB_NAME_PREFIX: 'bad_prefix',
    });
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /INSTANCE_COUNT="two" must be an integer from 1 to 64/);
    assert.match(problems.join('\n'), /USE_SPOT="maybe" must be true or false/);
    assert.match(problems.join('\n'), /DEFAULT_HYPERPARAMETERS=.* must be a JSON object/);
    assert.match(problems.join('\n'), /INPUT_MODE="Pipe" must be File or FastFile/);
    assert.match(problems.join('\n'), /JOB_NAME_PREFIX="bad_prefix"/);
  });

  it('refuses settings that IAM or SageMaker would refuse later: spaces, case, key ids, bad regexes', () => {
    const problems = problemsOf({
      ...REQUIRED,
      INSTANCE_TYPES: 'ml.g5.2xlarge, ml.g5.4xlarge',
      JOB_NAME_PREFIX: 'MyTeam',
      KMS_KEY_ID: 'alias/my-key',
      SLACK_WEBHOOK_PARAMETER: 'slack-webhook',
      METRIC_DEFINITIONS: '[{"Name": "loss", "Regex": "loss=(["}]',
    });
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.match(problems.join('\n'), /INSTANCE_TYPES=.* must be comma-separated without spaces/);
    assert.match(problems.join('\n'), /JOB_NAME_PREFIX="MyTeam" must be 1-20 lower-case/);
    assert.match(problems.join('\n'), /KMS_KEY_ID="alias\/my-key" must be a KMS key ARN/);
    assert.match(
      problems.join('\n'),
      /SLACK_WEBHOOK_PARAMETER="slack-webhook" must be an SSM parameter name starting with \//,
    );
    assert.match(problems.join('\n'), /METRIC_DEFINITIONS=.* has "loss", whose Regex does not compile/);
  });

  it('refuses output locations inside the watched datasets prefix (no recursion)', () => {
    const problems = problemsOf({ ...REQUIRED, OUTPUT_S3_URI: 's3://datasets-bucket/datasets/_models' });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^OUTPUT_S3_URI=.*must not be inside the datasets prefix/);
  });

  it('requires both VPC settings together and stringifies default hyperparameters', () => {
    assert.match(problemsOf({ ...REQUIRED, VPC_SUBNET_IDS: 'subnet-1' }).join(), /VPC_SECURITY_GROUP_IDS/);
    const config = parseConfig({
      ...REQUIRED,
      VPC_SUBNET_IDS: 'subnet-1, subnet-2',
      VPC_SECURITY_GROUP_IDS: 'sg-1',
      DEFAULT_HYPERPARAMETERS: '{"epochs": 10, "amp": true, "arch": "resnet50"}',
    });
    assert.deepEqual(config.vpc, { subnets: ['subnet-1', 'subnet-2'], securityGroupIds: ['sg-1'] });
    assert.deepEqual(config.defaultHyperparameters, { epochs: '10', amp: 'true', arch: 'resnet50' });
  });
});
