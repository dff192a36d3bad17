import defaultMetricDefinitions from '../../container/metric-definitions.json' with { type: 'json' };
import { ConfigurationError } from '../errors';
import { isLogLevel, type LogLevel, logger } from '../logger';
import { SETTINGS, type SettingName } from './settings';

export interface MetricDefinition {
  Name: string;
  Regex: string;
}

export interface OrchestratorConfig {
  region: string;
  trainingImageUri: string;
  sagemakerRoleArn: string;
  /** GPU ladder; index 0 is the default type. */
  instanceTypes: string[];
  instanceCount: number;
  volumeSizeGb: number;
  maxRuntimeSeconds: number;
  spot: { enabled: boolean; maxWaitSeconds: number; onDemandFallback: boolean };
  outputS3Uri: string;
  checkpointS3Uri: string;
  datasetsBucket: string;
  datasetsPrefix: string;
  jobNamePrefix: string;
  defaultHyperparameters: Record<string, string>;
  manifestHyperparameterAllowList: string[];
  metricDefinitions: MetricDefinition[];
  inputMode: 'File' | 'FastFile';
  scheduledDataset: string | undefined;
  eventBusName: string;
  eventSource: string;
  maxAttempts: number;
  manifestMaxBytes: number;
  vpc: { subnets: string[]; securityGroupIds: string[] } | undefined;
  networkIsolation: boolean;
  kmsKeyId: string | undefined;
  retry: {
    baseDelaySeconds: number;
    maxDelaySeconds: number;
    quotaWaitSeconds: number;
    quotaMaxWaits: number;
  };
  scheduler: {
    roleArn: string | undefined;
    targetArn: string | undefined;
    groupName: string;
    deadLetterArn: string | undefined;
  };
  registry: {
    modelPackageGroupName: string;
    approvalMetric: string;
    approvalThreshold: number | undefined;
    inferenceInstanceTypes: string[];
  };
  slackWebhookParameter: string | undefined;
  idempotencyTable: string | undefined;
  priceTable: Record<string, number>;
  logLevel: LogLevel;
  s3ForcePathStyle: boolean;
}

type Env = Record<string, string | undefined>;

const GPU_TRAINING_TYPE = /^ml\.[pg]\d+[a-z]*\.\d*x?large$/;
const ANY_TRAINING_TYPE = /^ml\.[a-z0-9-]+\.\d*x?large$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_]+(:[a-zA-Z0-9$_-]+)?$/;

/** Parses every setting, collecting all problems, so one deploy shows every bad setting at once. */
export function parseConfig(env: Env): OrchestratorConfig {
  const problems: string[] = [];
  const raw = (name: SettingName): string => {
    const spec = SETTINGS[name];
    const value = env[spec.env]?.trim();
    if (value) return value;
    if ('required' in spec && spec.required) problems.push(`${spec.env} is required: ${spec.meaning}`);
    return 'default' in spec ? spec.default : '';
  };
  const fail = (name: SettingName, why: string): void => {
    problems.push(`${SETTINGS[name].env}=${JSON.stringify(env[SETTINGS[name].env] ?? '')} ${why}`);
  };
  const integer = (name: SettingName, min: number, max: number): number => {
    const text = raw(name);
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max)
      fail(name, `must be an integer from ${min} to ${max}`);
    return value;
  };
  const boolean = (name: SettingName): boolean => {
    const text = raw(name).toLowerCase();
    if (!['true', 'false', '1', '0', 'yes', 'no'].includes(text)) fail(name, 'must be true or false');
    return ['true', '1', 'yes'].includes(text);
  };
  const list = (name: SettingName): string[] =>
    raw(name)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const optional = (name: SettingName): string | undefined => raw(name) || undefined;
  const json = <T>(
    name: SettingName,
    check: (value: unknown) => value is T,
    what: string,
    fallback: T,
  ): T => {
    const text = raw(name);
    if (!text) return fallback;
    try {
      const value: unknown = JSON.parse(text);
      if (check(value)) return value;
    } catch {
      // reported below
    }
    fail(name, `must be ${what}`);
    return fallback;
  };

  const allowCpu = boolean('allowCpuInstances');
  // IAM splits the same text on commas, so a space here would put " ml.g5.4xlarge" in the policy.
  if (/\s/.test(raw('instanceTypes'))) fail('instanceTypes', 'must be comma-separated without spaces');
  const instanceTypes = list('instanceTypes');
  if (instanceTypes.length === 0) fail('instanceTypes', 'must name at least one instance type');
  for (const type of instanceTypes) {
    if (!ANY_TRAINING_TYPE.test(type))
      fail('instanceTypes', `has "${type}", which is not a SageMaker instance type`);
    else if (!allowCpu && !GPU_TRAINING_TYPE.test(type))
      fail(
        'instanceTypes',
        `has "${type}", which is not a GPU training type (ml.p*, ml.g*); set ALLOW_CPU_INSTANCES=true to allow it`,
      );
  }
  if (new Set(instanceTypes).size !== instanceTypes.length) fail('instanceTypes', 'lists a type twice');

  const roleArn = raw('sagemakerRoleArn');
  if (roleArn && !ROLE_ARN.test(roleArn)) fail('sagemakerRoleArn', 'must be an IAM role ARN');
  const image = raw('trainingImageUri');
  if (image && (/\s/.test(image) || image.length > 255)) fail('trainingImageUri', 'must be an image URI');

  const outputS3Uri = raw('outputS3Uri').replace(/\/+$/, '');
  const checkpointS3Uri = raw('checkpointS3Uri').replace(/\/+$/, '');
  for (const [name, uri] of [
    ['outputS3Uri', outputS3Uri],
    ['checkpointS3Uri', checkpointS3Uri],
  ] as const) {
    if (uri && !S3_URI.test(uri)) fail(name, 'must be an s3:// URI');
  }

  const datasetsBucket = raw('datasetsBucket');
  const datasetsPrefix = raw('datasetsPrefix').replace(/^\/+|\/+$/g, '');
  if (!datasetsPrefix || datasetsPrefix.includes('//'))
    fail('datasetsPrefix', 'must be a non-empty key prefix');
  // Outputs written inside the watched prefix would start jobs from our own artifacts.
  for (const [name, uri] of [
    ['outputS3Uri', outputS3Uri],
    ['checkpointS3Uri', checkpointS3Uri],
  ] as const) {
    if (
      uri.startsWith(`s3://${datasetsBucket}/${datasetsPrefix}/`) ||
      uri === `s3://${datasetsBucket}/${datasetsPrefix}`
    )
      fail(name, `must not be inside the datasets prefix s3://${datasetsBucket}/${datasetsPrefix}/`);
  }

  const jobNamePrefix = raw('jobNamePrefix');
  // Lower case: IAM matches the prefix in training-job ARNs, and job names there are lower case.
  if (!/^[a-z0-9](-*[a-z0-9]){0,19}$/.test(jobNamePrefix))
    fail(
      'jobNamePrefix',
      'must be 1-20 lower-case letters, digits or hyphens, starting and ending with a letter or digit',
    );

  const maxRuntimeSeconds = integer('maxRuntimeSeconds', 60, 28 * 24 * 3600);
  const useSpot = boolean('useSpot');
  const maxWaitSeconds = integer('maxWaitSeconds', 60, 28 * 24 * 3600);
  if (useSpot && maxWaitSeconds < maxRuntimeSeconds)
    fail('maxWaitSeconds', `must be >= MAX_RUNTIME_SECONDS (${maxRuntimeSeconds}) when spot is on`);

  const defaultHyperparameters = json(
    'defaultHyperparameters',
    (value): value is Record<string, string | number | boolean> =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => ['string', 'number', 'boolean'].includes(typeof v)),
    'a JSON object of string, number or boolean values',
    {},
  );
  const metricDefinitions = json(
    'metricDefinitions',
    (value): value is MetricDefinition[] =>
      Array.isArray(value) &&
      value.length <= 40 &&
      value.every((d) => typeof d?.Name === 'string' && typeof d?.Regex === 'string'),
    'a JSON array of at most 40 {"Name","Regex"} objects',
    defaultMetricDefinitions as MetricDefinition[],
  );
  for (const { Name, Regex } of metricDefinitions) {
    if (Name.length < 1 || Name.length > 255 || Regex.length < 1 || Regex.length > 500)
      fail('metricDefinitions', `has "${Name.slice(0, 40)}": Name must be 1-255 and Regex 1-500 characters`);
    try {
      new RegExp(Regex);
    } catch {
      fail('metricDefinitions', `has "${Name.slice(0, 40)}", whose Regex does not compile`);
    }
  }
  const priceTable = json(
    'priceTable',
    (value): value is Record<string, number> =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => typeof v === 'number' && v >= 0),
    'a JSON object of instance type to USD per hour',
    {},
  );

  const inputMode = raw('inputMode');
  if (inputMode !== 'File' && inputMode !== 'FastFile') fail('inputMode', 'must be File or FastFile');

  const subnets = list('subnets');
  const securityGroupIds = list('securityGroups');
  if ((subnets.length === 0) !== (securityGroupIds.length === 0))
    fail(subnets.length ? 'securityGroups' : 'subnets', 'must be set together with the other VPC setting');
  if (subnets.length > 16) fail('subnets', 'may list at most 16 subnets');
  if (securityGroupIds.length > 5) fail('securityGroups', 'may list at most 5 security groups');

  const thresholdText = raw('approvalThreshold');
  const approvalThreshold = thresholdText === '' ? undefined : Number(thresholdText);
  if (approvalThreshold !== undefined && !Number.isFinite(approvalThreshold))
    fail('approvalThreshold', 'must be a number or empty');

  const webhook = optional('slackWebhookParameter');
  if (webhook && !webhook.startsWith('/') && !/^arn:aws[a-z-]*:secretsmanager:/.test(webhook))
    fail('slackWebhookParameter', 'must be an SSM parameter name starting with / or a Secrets Manager ARN');
  const kmsKeyId = optional('kmsKeyId');
  // IAM grants use the setting as the key's ARN, so an id or alias would be denied at run time.
  if (kmsKeyId && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/.test(kmsKeyId))
    fail('kmsKeyId', 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');

  const logLevel = raw('logLevel').toUpperCase();
  if (!isLogLevel(logLevel)) fail('logLevel', 'must be DEBUG, INFO, WARN, ERROR or SILENT');

  const targetArn = optional('relaunchTargetArn');
  if (targetArn && !LAMBDA_ARN.test(targetArn)) fail('relaunchTargetArn', 'must be a Lambda function ARN');
  const schedulerRole = optional('schedulerRoleArn');
  if (schedulerRole && !ROLE_ARN.test(schedulerRole)) fail('schedulerRoleArn', 'must be an IAM role ARN');

  const config: OrchestratorConfig = {
    region: env.AWS_REGION?.trim() || 'us-east-1',
    trainingImageUri: image,
    sagemakerRoleArn: roleArn,
    instanceTypes,
    instanceCount: integer('instanceCount', 1, 64),
    volumeSizeGb: integer('volumeSizeGb', 1, 16384),
    maxRuntimeSeconds,
    spot: { enabled: useSpot, maxWaitSeconds, onDemandFallback: boolean('onDemandFallback') },
    outputS3Uri,
    checkpointS3Uri,
    datasetsBucket,
    datasetsPrefix,
    jobNamePrefix,
    defaultHyperparameters: Object.fromEntries(
      Object.entries(defaultHyperparameters).map(([key, value]) => [key, String(value)]),
    ),
    manifestHyperparameterAllowList: list('manifestHyperparameterAllowList'),
    metricDefinitions,
    inputMode: inputMode === 'FastFile' ? 'FastFile' : 'File',
    scheduledDataset: optional('scheduledDataset'),
    eventBusName: raw('eventBusName'),
    eventSource: raw('eventSource'),
    maxAttempts: integer('maxAttempts', 1, 10),
    manifestMaxBytes: integer('manifestMaxBytes', 2, 1024 * 1024),
    vpc: subnets.length ? { subnets, securityGroupIds } : undefined,
    networkIsolation: boolean('networkIsolation'),
    kmsKeyId,
    retry: {
      baseDelaySeconds: integer('retryBaseDelaySeconds', 1, 86400),
      maxDelaySeconds: integer('retryMaxDelaySeconds', 1, 7 * 86400),
      quotaWaitSeconds: integer('quotaWaitSeconds', 60, 86400),
      quotaMaxWaits: integer('quotaMaxWaits', 0, 100),
    },
    scheduler: {
      roleArn: schedulerRole,
      targetArn,
      groupName: raw('schedulerGroupName'),
      deadLetterArn: optional('schedulerDlqArn'),
    },
    registry: {
      modelPackageGroupName: raw('modelPackageGroupName'),
      approvalMetric: raw('approvalMetric'),
      approvalThreshold,
      inferenceInstanceTypes: list('inferenceInstanceTypes'),
    },
    slackWebhookParameter: webhook,
    idempotencyTable: optional('idempotencyTable'),
    priceTable,
    logLevel: isLogLevel(logLevel) ? logLevel : 'INFO',
    s3ForcePathStyle: boolean('s3ForcePathStyle'),
  };
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n- ${problems.join('\n- ')}`, { problems });
  }
  return config;
}

let cached: OrchestratorConfig | undefined;

/** The process-wide configuration, parsed once at cold start. */
export function getConfig(): OrchestratorConfig {
  if (!cached) {
    cached = parseConfig(process.env);
    logger.setLevel(cached.logLevel);
  }
  return cached;
}
