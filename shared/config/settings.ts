/**
 * The orchestrator's settings: every environment variable the functions read, its meaning and default.
 * The README's configuration table is written from this list, and nothing outside shared/config reads
 * process.env.
 */
export interface SettingSpec {
  readonly env: string;
  readonly meaning: string;
  /** Default used when the variable is unset or empty; undefined means required or optional-without-default. */
  readonly default?: string;
  readonly required?: boolean;
}

export const SETTINGS = {
  trainingImageUri: {
    env: 'TRAINING_IMAGE_URI',
    meaning: 'ECR URI of the nvidia-docker-compatible training image (see container/build-and-push.sh).',
    required: true,
  },
  sagemakerRoleArn: {
    env: 'SAGEMAKER_ROLE_ARN',
    meaning:
      'Execution role the training job assumes. The stack creates one unless you pass an existing ARN.',
    required: true,
  },
  instanceTypes: {
    env: 'INSTANCE_TYPES',
    meaning:
      'GPU instance-type ladder, comma-separated. The first is the default; capacity errors move down the ladder.',
    default: 'ml.g5.2xlarge,ml.g5.4xlarge,ml.g4dn.2xlarge,ml.p3.2xlarge',
  },
  allowCpuInstances: {
    env: 'ALLOW_CPU_INSTANCES',
    meaning: 'Allow non-GPU instance types (ml.m*, ml.c*) on the ladder. Off so a typo never trains on CPU.',
    default: 'false',
  },
  instanceCount: { env: 'INSTANCE_COUNT', meaning: 'Instances per training job (1-64).', default: '1' },
  volumeSizeGb: {
    env: 'VOLUME_SIZE_GB',
    meaning: 'ML storage volume per instance, in GB (1-16384).',
    default: '50',
  },
  maxRuntimeSeconds: {
    env: 'MAX_RUNTIME_SECONDS',
    meaning: 'Stopping condition: longest a job may train, in seconds.',
    default: '86400',
  },
  useSpot: { env: 'USE_SPOT', meaning: 'Managed spot training on or off.', default: 'true' },
  maxWaitSeconds: {
    env: 'MAX_WAIT_SECONDS',
    meaning:
      'With spot: longest to wait for spot capacity plus training time; must be >= MAX_RUNTIME_SECONDS.',
    default: '172800',
  },
  onDemandFallback: {
    env: 'ON_DEMAND_FALLBACK',
    meaning: 'When spot capacity never came (MaxWaitTimeExceeded), retry the same type on demand.',
    default: 'true',
  },
  outputS3Uri: {
    env: 'OUTPUT_S3_URI',
    meaning: 'Where SageMaker writes model.tar.gz (s3://bucket/prefix).',
    required: true,
  },
  checkpointS3Uri: {
    env: 'CHECKPOINT_S3_URI',
    meaning: 'Checkpoint base; each run gets <base>/<run-id>/ so spot interruptions and retries resume.',
    required: true,
  },
  datasetsBucket: {
    env: 'DATASETS_BUCKET',
    meaning: 'Bucket that receives dataset versions.',
    required: true,
  },
  datasetsPrefix: {
    env: 'DATASETS_PREFIX',
    meaning: 'Key prefix of dataset versions: <prefix>/<dataset>/<version>/manifest.json.',
    default: 'datasets',
  },
  jobNamePrefix: {
    env: 'JOB_NAME_PREFIX',
    meaning:
      'Prefix of every training job name, lower case; IAM and event rules are scoped to it (1-20 characters).',
    default: 'gto',
  },
  defaultHyperparameters: {
    env: 'DEFAULT_HYPERPARAMETERS',
    meaning: 'JSON object of hyperparameters for every job; a manifest may override allow-listed keys.',
    default: '{}',
  },
  manifestHyperparameterAllowList: {
    env: 'MANIFEST_HYPERPARAMETERS',
    meaning: 'Comma-separated hyperparameter names a manifest may set.',
    default:
      'arch,epochs,batch_size,learning_rate,lr_schedule,warmup_epochs,momentum,weight_decay,label_smoothing,image_size,seed,amp,channels_last,compile',
  },
  metricDefinitions: {
    env: 'METRIC_DEFINITIONS',
    meaning:
      'JSON array of {Name, Regex}; default is container/metric-definitions.json, the one the image prints.',
  },
  inputMode: { env: 'INPUT_MODE', meaning: 'Channel input mode: File or FastFile.', default: 'File' },
  scheduledDataset: {
    env: 'SCHEDULED_DATASET',
    meaning: 'Dataset the schedule retrains (its newest version). Empty: the schedule does nothing.',
    default: '',
  },
  eventBusName: {
    env: 'EVENT_BUS_NAME',
    meaning: "Orchestrator's own EventBridge bus.",
    default: 'gpu-training-orchestrator',
  },
  eventSource: {
    env: 'EVENT_SOURCE',
    meaning: 'Source of the orchestrator events.',
    default: 'gpu-training-orchestrator',
  },
  maxAttempts: {
    env: 'MAX_ATTEMPTS',
    meaning: 'Most attempts per run, first launch included (1-10).',
    default: '4',
  },
  manifestMaxBytes: {
    env: 'MANIFEST_MAX_BYTES',
    meaning: 'Largest manifest.json accepted, in bytes.',
    default: '65536',
  },
  subnets: {
    env: 'VPC_SUBNET_IDS',
    meaning: 'Comma-separated subnet ids; with security groups, jobs run in your VPC.',
    default: '',
  },
  securityGroups: {
    env: 'VPC_SECURITY_GROUP_IDS',
    meaning: 'Comma-separated security group ids.',
    default: '',
  },
  networkIsolation: {
    env: 'NETWORK_ISOLATION',
    meaning: 'Run the training container with no network access.',
    default: 'false',
  },
  kmsKeyId: {
    env: 'KMS_KEY_ID',
    meaning: 'KMS key ARN for the buckets, the training volume and the model output. Empty: S3-managed keys.',
    default: '',
  },
  retryBaseDelaySeconds: {
    env: 'RETRY_BASE_DELAY_SECONDS',
    meaning: 'First backoff before retrying an internal error; doubles per attempt, with full jitter.',
    default: '120',
  },
  retryMaxDelaySeconds: {
    env: 'RETRY_MAX_DELAY_SECONDS',
    meaning: 'Longest backoff before a retry.',
    default: '3600',
  },
  quotaWaitSeconds: {
    env: 'QUOTA_WAIT_SECONDS',
    meaning: 'Wait before retrying when the instance quota is in use by other jobs.',
    default: '900',
  },
  quotaMaxWaits: {
    env: 'QUOTA_MAX_WAITS',
    meaning: 'How many times a run waits for quota held by other jobs before it fails for good.',
    default: '8',
  },
  schedulerRoleArn: {
    env: 'SCHEDULER_ROLE_ARN',
    meaning: 'Role EventBridge Scheduler assumes to invoke the relaunch function (created by the stack).',
    default: '',
  },
  relaunchTargetArn: {
    env: 'RELAUNCH_TARGET_ARN',
    meaning: 'Function ARN that delayed retries invoke (the relaunch-training function; set by the stack).',
    default: '',
  },
  schedulerGroupName: {
    env: 'SCHEDULER_GROUP_NAME',
    meaning: 'EventBridge Scheduler group of the one-time retry schedules.',
    default: 'default',
  },
  schedulerDlqArn: {
    env: 'SCHEDULER_DLQ_ARN',
    meaning: 'Dead-letter queue of delayed retries the scheduler could not deliver (set by the stack).',
    default: '',
  },
  modelPackageGroupName: {
    env: 'MODEL_PACKAGE_GROUP',
    meaning: 'Model Registry group that receives a version per completed run (created by the stack).',
    default: 'gpu-training-orchestrator',
  },
  approvalMetric: {
    env: 'APPROVAL_METRIC',
    meaning: 'Final metric that decides automatic approval.',
    default: 'validation:accuracy',
  },
  approvalThreshold: {
    env: 'APPROVAL_THRESHOLD',
    meaning:
      'Approve automatically when the metric is >= this (<= for metrics ending in "loss"). Empty: never.',
    default: '0.9',
  },
  inferenceInstanceTypes: {
    env: 'INFERENCE_INSTANCE_TYPES',
    meaning: 'Instance types recorded as supported for real-time inference in the model package.',
    default: 'ml.g5.xlarge,ml.g4dn.xlarge',
  },
  slackWebhookParameter: {
    env: 'SLACK_WEBHOOK_PARAMETER',
    meaning:
      'SSM SecureString name (/path) or Secrets Manager ARN that holds the Slack incoming-webhook URL. Empty: log only.',
    default: '',
  },
  idempotencyTable: {
    env: 'IDEMPOTENCY_TABLE',
    meaning:
      'DynamoDB table that makes notifications exactly-once across Lambda instances (created by the stack).',
    default: '',
  },
  priceTable: {
    env: 'PRICE_TABLE',
    meaning: 'JSON object of on-demand USD per instance-hour that overrides or extends the built-in table.',
    default: '{}',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    meaning: 'Log level of the functions: DEBUG, INFO, WARN, ERROR or SILENT.',
    default: 'INFO',
  },
  s3ForcePathStyle: {
    env: 'S3_FORCE_PATH_STYLE',
    meaning: 'Path-style S3 addressing; the local mode sets it for its S3 stand-in.',
    default: 'false',
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
