/**
 * The environment the handler tests run under. Configuration is read when a handler module loads, so call
 * applyTestEnv() before `await import('../../functions/<name>/handler')`.
 */
export const TEST_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  LOG_LEVEL: 'SILENT',
  TRAINING_IMAGE_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/resnet-trainer:abc123',
  SAGEMAKER_ROLE_ARN: 'arn:aws:iam::123456789012:role/gto-sagemaker-execution',
  OUTPUT_S3_URI: 's3://gto-artifacts/models',
  CHECKPOINT_S3_URI: 's3://gto-artifacts/checkpoints',
  DATASETS_BUCKET: 'gto-datasets',
  DATASETS_PREFIX: 'datasets',
  JOB_NAME_PREFIX: 'gto',
  INSTANCE_TYPES: 'ml.g5.2xlarge,ml.g5.4xlarge,ml.p3.2xlarge',
  EVENT_BUS_NAME: 'gto-bus',
  EVENT_SOURCE: 'gpu-training-orchestrator',
  MAX_ATTEMPTS: '3',
  SCHEDULED_DATASET: 'cats',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/gto-scheduler',
  RELAUNCH_TARGET_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:gto-relaunchTraining',
  SCHEDULER_GROUP_NAME: 'gto-relaunch',
  SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:gto-dead-letters',
  MODEL_PACKAGE_GROUP: 'gto-models',
  SLACK_WEBHOOK_PARAMETER: '/gto/slack-webhook-url',
  IDEMPOTENCY_TABLE: 'gto-idempotency',
};

export function applyTestEnv(overrides: Record<string, string> = {}): void {
  Object.assign(process.env, TEST_ENV, overrides);
}
