import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { DeadLetter, Invocation } from './lambda-runtime';
import { type LocalStack, PYTHON } from './local-stack';
import type { PublishedEvent } from './stand-ins/event-bridge';
import type { Fault } from './stand-ins/sagemaker';
import type { SlackPost } from './stand-ins/slack-receiver';
import { makeSyntheticDataset } from './synthetic-dataset';

export interface ScenarioOptions {
  dataset?: string;
  version?: string;
  simulate?: Fault;
  /** Written into the manifest's hyperparameters. */
  epochs?: number;
  perClassTrain?: number;
  perClassValidation?: number;
  /** 'upload' (default): drop a new dataset version; 'schedule': fire the schedule (the version must exist). */
  trigger?: 'upload' | 'schedule';
  /** Slot time of a scheduled run. */
  slot?: Date;
  uploadConcurrency?: number;
  timeoutMs?: number;
  onStage?: (stage: string) => void;
}

export interface JobSummary {
  name: string;
  status: string;
  secondaryStatus: string;
  instanceType: string;
  spot: boolean;
  failureReason?: string;
  metrics: Record<string, number>;
  trainingSeconds?: number;
  billableSeconds?: number;
  modelArtifacts?: string;
  workDir: string;
}

export interface ModelVersionSummary {
  arn: string;
  group: string;
  version: number;
  approval: string;
}

export interface ScenarioResult {
  dataset: string;
  version: string;
  simulate: Fault | undefined;
  trigger: 'upload' | 'schedule';
  filesUploaded: number;
  durationMs: number;
  jobs: JobSummary[];
  createTrainingJobCalls: number;
  modelVersions: ModelVersionSummary[];
  slackPosts: SlackPost[];
  /** Orchestrator events (own bus), in order. */
  orchestratorEvents: { detailType: string; detail: Record<string, unknown> }[];
  events: PublishedEvent[];
  invocations: Invocation[];
  deadLetters: DeadLetter[];
  outcome: 'registered' | 'final-failure' | 'unfinished';
  /** The flow ended as this scenario should: a registered model, or (algorithm-error) one final failure. */
  ok: boolean;
}

let counter = 0;

/**
 * One run of the real flow through the local stack: make and upload a dataset version (channels first,
 * manifest.json last) or fire the schedule, then wait until every function, job and delayed retry has
 * finished, and report what happened in this run only.
 */
export async function runScenario(stack: LocalStack, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const started = Date.now();
  const dataset = options.dataset ?? 'shapes';
  const version =
    options.version ?? `v${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${++counter}`;
  const trigger = options.trigger ?? 'upload';
  const stage = options.onStage ?? (() => undefined);
  const before = {
    jobs: new Set(stack.sagemaker.jobs.keys()),
    calls: stack.sagemaker.createCalls.length,
    packages: stack.sagemaker.modelPackages.length,
    posts: stack.slack.posts.length,
    events: stack.eventBridge.published.length,
    invocations: stack.lambdas.invocations.length,
    deadLetters: stack.lambdas.deadLetters.length,
  };
  stack.sagemaker.faults = options.simulate ? [{ fault: options.simulate, jobNameContains: '-' }] : [];
  const prefix = `${stack.template.environment.DATASETS_PREFIX ?? 'datasets'}/${dataset}/${version}/`;
  let filesUploaded = 0;
  try {
    if (trigger === 'upload') {
      stage(`making a synthetic dataset (3 classes of shapes, 32x32 PNG)`);
      const folder = join(stack.stateDir, 'datasets', dataset, version);
      const made = await makeSyntheticDataset({
        folder,
        perClassTrain: options.perClassTrain ?? 8,
        perClassValidation: options.perClassValidation ?? 3,
        python: PYTHON,
      });
      stage(`uploading ${made.files.length} images to s3://${stack.datasetsBucket}/${prefix}`);
      const queue = [...made.files];
      const workers = Array.from({ length: options.uploadConcurrency ?? 8 }, async () => {
        for (let file = queue.shift(); file; file = queue.shift()) {
          await stack.s3.send(
            new PutObjectCommand({
              Bucket: stack.datasetsBucket,
              Key: `${prefix}${file}`,
              Body: await readFile(join(folder, file)),
              ContentType: 'image/png',
            }),
          );
          filesUploaded++;
        }
      });
      await Promise.all(workers);
      const manifest = { hyperparameters: { epochs: options.epochs ?? 1 } };
      stage(`uploading manifest.json (the readiness marker): ${JSON.stringify(manifest)}`);
      await stack.s3.send(
        new PutObjectCommand({
          Bucket: stack.datasetsBucket,
          Key: `${prefix}manifest.json`,
          Body: JSON.stringify(manifest),
          ContentType: 'application/json',
        }),
      );
      filesUploaded++;
    } else {
      stage('firing the retraining schedule');
      stack.fireSchedule(options.slot ?? new Date());
    }
    await stack.waitForIdle(options.timeoutMs);
  } finally {
    stack.sagemaker.faults = [];
  }
  return collect(stack, before, {
    dataset,
    version,
    simulate: options.simulate,
    trigger,
    filesUploaded,
    started,
  });
}

function collect(
  stack: LocalStack,
  before: {
    jobs: Set<string>;
    calls: number;
    packages: number;
    posts: number;
    events: number;
    invocations: number;
    deadLetters: number;
  },
  run: {
    dataset: string;
    version: string;
    simulate: Fault | undefined;
    trigger: 'upload' | 'schedule';
    filesUploaded: number;
    started: number;
  },
): ScenarioResult {
  const jobs: JobSummary[] = [...stack.sagemaker.jobs.entries()]
    .filter(([name]) => !before.jobs.has(name))
    .map(([name, job]) => {
      const resource = job.request.ResourceConfig as { InstanceType: string };
      return {
        name,
        status: job.status,
        secondaryStatus: job.secondaryStatus,
        instanceType: resource.InstanceType,
        spot: job.request.EnableManagedSpotTraining === true,
        ...(job.failureReason ? { failureReason: job.failureReason } : {}),
        metrics: Object.fromEntries([...job.metrics].map(([metric, { value }]) => [metric, value])),
        ...(job.trainingSeconds !== undefined ? { trainingSeconds: job.trainingSeconds } : {}),
        ...(job.billableSeconds !== undefined ? { billableSeconds: job.billableSeconds } : {}),
        ...(job.modelArtifacts ? { modelArtifacts: job.modelArtifacts } : {}),
        workDir: job.workDir,
      };
    });
  const modelVersions = stack.sagemaker.modelPackages.slice(before.packages).map((pkg) => ({
    arn: pkg.ModelPackageArn,
    group: pkg.ModelPackageGroupName,
    version: pkg.ModelPackageVersion,
    approval: pkg.ModelApprovalStatus,
  }));
  const events = stack.eventBridge.published.slice(before.events);
  const orchestratorBus = stack.template.environment.EVENT_BUS_NAME;
  const orchestratorEvents = events
    .filter((published) => published.bus === orchestratorBus)
    .map((published) => ({ detailType: published.event['detail-type'], detail: published.event.detail }));
  const deadLetters = stack.lambdas.deadLetters.slice(before.deadLetters);
  const last = jobs.at(-1);
  const finalFailure = orchestratorEvents.some(
    (event) => event.detailType === 'Training Run Failed' || event.detailType === 'Training Run Stopped',
  );
  const outcome =
    last?.status === 'Completed' && modelVersions.length > 0
      ? 'registered'
      : finalFailure
        ? 'final-failure'
        : 'unfinished';
  const expected = run.simulate === 'algorithm-error' ? 'final-failure' : 'registered';
  return {
    ...run,
    durationMs: Date.now() - run.started,
    jobs,
    createTrainingJobCalls: stack.sagemaker.createCalls.length - before.calls,
    modelVersions,
    slackPosts: stack.slack.posts.slice(before.posts),
    orchestratorEvents,
    events,
    invocations: stack.lambdas.invocations.slice(before.invocations),
    deadLetters,
    outcome,
    ok: outcome === expected && deadLetters.length === 0,
  };
}
