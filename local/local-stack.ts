import { appendFileSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { LambdaRuntime } from './lambda-runtime';
import { type FunctionSpec, type LocalTemplate, loadServerlessTemplate } from './serverless-template';
import { startDynamoDb } from './stand-ins/dynamodb';
import {
  type AwsEvent,
  type EventBridgeStandIn,
  eventTime,
  type Rule,
  startEventBridge,
} from './stand-ins/event-bridge';
import type { RunningServer } from './stand-ins/http';
import { startS3 } from './stand-ins/s3';
import { type SageMakerStandIn, startSageMaker, type TrainingProgress } from './stand-ins/sagemaker';
import { type SchedulerStandIn, startScheduler } from './stand-ins/scheduler';
import { type SlackPost, startSlackReceiver } from './stand-ins/slack-receiver';
import { startSsm } from './stand-ins/ssm';
import { detectRuntime, type TrainingRuntime } from './stand-ins/training-job-runner';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_STAGE = 'local';
export const PYTHON = '/usr/bin/python3';

/** Smallest settings that still train a real ResNet: seconds per job on two CPU cores. */
export const TINY_HYPERPARAMETERS = {
  arch: 'resnet18',
  epochs: '1',
  batch_size: '8',
  image_size: '32',
  workers: '0',
  log_interval: '1',
  warmup_epochs: '0',
  learning_rate: '0.05',
  amp: 'false',
  channels_last: 'false',
};

export interface LocalStackOptions {
  repoRoot?: string;
  /** Where logs, S3 objects and job folders go; default `<repo>/.local/runs/<time>`. */
  stateDir?: string;
  serverlessFile?: string;
  /** Waiting compressed: 1/120 makes a 120-second backoff take one second. */
  timeScale?: number;
  /** Dataset the schedule retrains (SCHEDULED_DATASET). */
  scheduledDataset?: string;
  /** A real Slack incoming webhook; default: the local receiver. */
  slackWebhookUrl?: string;
  /** Extra serverless params (params.local), e.g. { maxAttempts: '3' }. */
  params?: Record<string, string>;
  /** 'file' (default): function logs go to logs/functions.log; 'inherit': to this process's console. */
  functionLogs?: 'file' | 'inherit';
  preferDocker?: boolean;
  onProgress?: (progress: TrainingProgress) => void;
  onTrainingLine?: (jobName: string, line: string) => void;
  onEvent?: (bus: string, event: AwsEvent, targets: string[]) => void;
  onSlack?: (post: SlackPost) => void;
}

export interface LocalStack {
  template: LocalTemplate;
  stateDir: string;
  logFile: string;
  runtime: TrainingRuntime;
  s3: S3Client;
  datasetsBucket: string;
  eventBridge: EventBridgeStandIn;
  scheduler: SchedulerStandIn;
  sagemaker: SageMakerStandIn;
  slack: RunningServer & { posts: SlackPost[] };
  lambdas: LambdaRuntime;
  endpoints: Record<string, string>;
  /** Fires the scheduled function's rule now, with the real "Scheduled Event" shape. */
  fireSchedule(time?: Date, functionKey?: string): AwsEvent;
  /** Puts an AWS service event (e.g. a copy of a SageMaker state change) on the default bus again. */
  redeliver(event: AwsEvent): void;
  /** Resolves when no function runs, no job trains and no schedule waits (rejects after timeoutMs). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Stops every stand-in; `removeData` deletes the buckets and the jobs' model files, keeping the logs. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

function routingRules(functions: FunctionSpec[]): Rule[] {
  return functions.flatMap((fn) =>
    fn.triggers.flatMap((trigger) =>
      trigger.kind === 'eventBridge' ? [{ bus: trigger.bus, pattern: trigger.pattern, target: fn.key }] : [],
    ),
  );
}

/** Sends the functions' console output to a file, so the terminal shows the flow, not JSON logs. */
function captureConsole(file: string): () => void {
  const original = { ...console };
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      const text = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
      appendFileSync(file, `${new Date().toISOString()} ${level} ${text}\n`);
    };
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const)
    console[level] = write(level);
  return () => Object.assign(console, original);
}

/**
 * Starts every stand-in on 127.0.0.1 (random ports), points the AWS SDK at them through the
 * AWS_ENDPOINT_URL_<SERVICE> variables, sets the functions' environment from serverless.yml, and wires
 * the routes: S3 -> default bus -> functions, SageMaker -> default bus, functions -> orchestrator bus ->
 * notifier, Scheduler -> relaunch function. Handlers are imported on first use, after this.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const repoRoot = resolve(options.repoRoot ?? process.cwd());
  const stateDir = resolve(
    options.stateDir ?? join(repoRoot, '.local', 'runs', new Date().toISOString().replace(/[:.]/g, '-')),
  );
  for (const folder of ['s3', 'jobs', 'logs']) mkdirSync(join(stateDir, folder), { recursive: true });
  const logFile = join(stateDir, 'logs', 'functions.log');
  const timeScale = options.timeScale ?? 1 / 120;

  const template = loadServerlessTemplate({
    file: options.serverlessFile ?? join(repoRoot, 'serverless.yml'),
    stage: LOCAL_STAGE,
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    params: {
      trainingImageUri: `${LOCAL_ACCOUNT}.dkr.ecr.${LOCAL_REGION}.amazonaws.com/gpu-training-orchestrator:local`,
      // The API model Debian ships (2022) predates ml.g6: a ladder inside it passes request validation.
      instanceTypes: 'ml.g5.2xlarge,ml.g5.4xlarge,ml.g4dn.2xlarge',
      defaultHyperparameters: JSON.stringify(TINY_HYPERPARAMETERS),
      maxRuntimeSeconds: '3600',
      maxWaitSeconds: '7200',
      schedule: 'rate(1 day)',
      scheduledDataset: options.scheduledDataset ?? '',
      logLevel: 'DEBUG',
      ...options.params,
    },
  });
  const runtime = await detectRuntime({
    repoRoot,
    python: PYTHON,
    image: 'gpu-training-orchestrator:local',
    ...(options.preferDocker === undefined ? {} : { preferDocker: options.preferDocker }),
  });

  const lambdas = new LambdaRuntime(template.functions, {
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    // Lambda waits about one minute, then two, before retrying an asynchronous invocation.
    retryDelayMs: (retry) => Math.max(50, retry * 60_000 * timeScale),
  });
  const servers: RunningServer[] = [];
  const eventBridge = await startEventBridge({
    buses: template.buses,
    rules: routingRules(template.functions),
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    deliver: (target, event) => lambdas.invokeAsync(target, event, `${event.source} ${event['detail-type']}`),
  });
  servers.push(eventBridge);
  const originalEmit = eventBridge.emit;

  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const datasetsBucket =
    template.environment.DATASETS_BUCKET ?? Object.values(template.buckets)[0] ?? 'datasets';
  const s3Server = await startS3({
    directory: join(stateDir, 's3'),
    credentials,
    buckets: [...new Set([...Object.values(template.buckets), datasetsBucket])],
    onObjectCreated: (object) =>
      eventBridge.emit('default', {
        'detail-type': 'Object Created',
        source: 'aws.s3',
        resources: [`arn:aws:s3:::${object.bucket}`],
        detail: {
          version: '0',
          bucket: { name: object.bucket },
          object: { key: object.key, size: object.size, etag: object.etag, sequencer: object.sequencer },
          'request-id': object.sequencer.slice(-16),
          requester: LOCAL_ACCOUNT,
          'source-ip-address': object.sourceIp.replace(/^::ffff:/, ''),
          reason: object.reason,
        },
      }),
  });
  servers.push(s3Server);
  const s3 = new S3Client({
    endpoint: s3Server.url,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  const scheduler = await startScheduler({
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    timeScale,
    invoke: (arn, input) => {
      const fn = template.functionByArn(arn);
      if (fn) lambdas.invokeAsync(fn.key, input, 'aws.scheduler one-time schedule');
      else
        lambdas.deadLetters.push({
          function: arn,
          source: 'aws.scheduler',
          event: input,
          error: `no function with ARN ${arn} in serverless.yml`,
          attempts: 0,
          at: new Date().toISOString(),
        });
    },
  });
  servers.push(scheduler);

  const sagemaker = await startSageMaker({
    region: LOCAL_REGION,
    account: LOCAL_ACCOUNT,
    s3,
    workDir: join(stateDir, 'jobs'),
    runtime,
    modelPackageGroups: [
      template.environment.MODEL_PACKAGE_GROUP ?? `${template.service}-${LOCAL_STAGE}-models`,
    ],
    emit: (detailType, resources, detail) =>
      eventBridge.emit('default', { 'detail-type': detailType, source: 'aws.sagemaker', resources, detail }),
    ...(options.onTrainingLine ? { onLine: options.onTrainingLine } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  servers.push(sagemaker);

  const slack = await startSlackReceiver(options.onSlack);
  servers.push(slack);
  const webhookParameter =
    template.environment.SLACK_WEBHOOK_PARAMETER ?? '/gpu-training-orchestrator/slack-webhook-url';
  const ssm = await startSsm(
    new Map([[webhookParameter, options.slackWebhookUrl ?? `${slack.url}/services/T0LOCAL/B0LOCAL/local`]]),
    {
      region: LOCAL_REGION,
      account: LOCAL_ACCOUNT,
    },
  );
  servers.push(ssm);
  const dynamo = await startDynamoDb({ tables: template.tables, region: LOCAL_REGION });
  servers.push(dynamo);

  const endpoints = {
    AWS_ENDPOINT_URL_S3: s3Server.url,
    AWS_ENDPOINT_URL_SAGEMAKER: sagemaker.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
  };
  const { NODE_OPTIONS: _nodeOptions, ...functionEnvironment } = template.environment;
  for (const name of [
    'AWS_PROFILE',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL',
    'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  ])
    delete process.env[name];
  Object.assign(process.env, functionEnvironment, endpoints, {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: `${template.service}-${LOCAL_STAGE}`,
    S3_FORCE_PATH_STYLE: 'true',
  });
  const restoreConsole = options.functionLogs === 'inherit' ? () => undefined : captureConsole(logFile);

  if (options.onEvent) {
    const onEvent = options.onEvent;
    const emit = originalEmit;
    eventBridge.emit = (bus, fields) => {
      const event = emit(bus, fields);
      const published = eventBridge.published.at(-1);
      onEvent(bus, event, published?.targets ?? []);
      return event;
    };
  }

  const idle = () => lambdas.busy() === 0 && sagemaker.active() === 0 && scheduler.pending() === 0;
  return {
    template,
    stateDir,
    logFile,
    runtime,
    s3,
    datasetsBucket,
    eventBridge,
    scheduler,
    sagemaker,
    slack,
    lambdas,
    endpoints,
    fireSchedule(time = new Date(), functionKey) {
      const fn = template.functions.find(
        (candidate) =>
          candidate.triggers.some((trigger) => trigger.kind === 'schedule') &&
          (!functionKey || candidate.key === functionKey),
      );
      if (!fn) throw new Error('serverless.yml has no scheduled function');
      const trigger = fn.triggers.find((candidate) => candidate.kind === 'schedule');
      const event: AwsEvent = {
        version: '0',
        id: crypto.randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: LOCAL_ACCOUNT,
        time: eventTime(time),
        region: LOCAL_REGION,
        resources: [
          `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${trigger?.kind === 'schedule' ? trigger.ruleName : fn.name}`,
        ],
        detail: {},
      };
      eventBridge.published.push({ bus: 'default', event, targets: [fn.key] });
      lambdas.invokeAsync(
        fn.key,
        trigger?.kind === 'schedule' && trigger.input !== undefined ? trigger.input : event,
        'aws.events Scheduled Event',
      );
      return event;
    },
    redeliver(event) {
      eventBridge.emit('default', {
        'detail-type': event['detail-type'],
        source: event.source,
        resources: event.resources,
        detail: event.detail,
        time: event.time,
      });
    },
    async waitForIdle(timeoutMs = 10 * 60_000) {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      while (quiet < 3) {
        if (Date.now() > deadline)
          throw new Error(`the local flow did not settle within ${Math.round(timeoutMs / 1000)} s`);
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
        quiet = idle() ? quiet + 1 : 0;
      }
    },
    async stop(stopOptions = {}) {
      for (const job of sagemaker.jobs.values()) job.process?.kill('SIGKILL');
      s3.destroy();
      for (const server of servers.reverse()) await server.close().catch(() => undefined);
      restoreConsole();
      if (stopOptions.removeData) {
        await rm(join(stateDir, 's3'), { recursive: true, force: true });
        await rm(join(stateDir, 'datasets'), { recursive: true, force: true });
        for (const job of sagemaker.jobs.values())
          await rm(join(job.workDir, 'model'), { recursive: true, force: true });
      }
    },
  };
}
