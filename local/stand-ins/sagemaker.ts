import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { validateAgainstModel } from '../aws-api-model/validate-request';
import { AwsError, jsonService, listen, type RunningServer } from './http';
import {
  downloadPrefix,
  packModel,
  readFailureFile,
  removeInputData,
  startTrainingProgram,
  type TrainingRuntime,
  uploadFile,
  uploadFolder,
} from './training-job-runner';

export type Fault = 'capacity-error' | 'algorithm-error' | 'spot-maxwait' | 'internal-error';
export const FAULTS: readonly Fault[] = [
  'capacity-error',
  'algorithm-error',
  'spot-maxwait',
  'internal-error',
];

export const FAILURE_TEXT = {
  capacity:
    'CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.',
  internal: 'InternalServerError: We encountered an internal error.  Please try again.',
  exitCode137: 'AlgorithmError: ExecuteUserScriptError: ExitCode 137',
} as const;

/** A fault applies to the first attempt of runs whose job name contains `jobNameContains`. */
export interface FaultRule {
  fault: Fault;
  jobNameContains: string;
}

export interface TrainingProgress {
  jobName: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
}

type Json = Record<string, unknown>;

interface Transition {
  Status: string;
  StartTime: number;
  EndTime?: number;
  StatusMessage: string;
}

export interface LocalTrainingJob {
  request: Json;
  arn: string;
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  secondaryStatus: string;
  transitions: Transition[];
  creationTime: number;
  trainingStartTime?: number;
  trainingEndTime?: number;
  lastModifiedTime: number;
  failureReason?: string;
  metrics: Map<string, { value: number; at: number }>;
  modelArtifacts?: string;
  trainingSeconds?: number;
  billableSeconds?: number;
  workDir: string;
  process?: ChildProcess;
  stopRequested?: 'user' | 'max-runtime';
  fault?: Fault;
  done: Promise<void>;
}

interface ModelPackage {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageName: string;
  CreationTime: number;
  LastModifiedTime: number;
  ModelPackageStatus: 'Completed';
  ModelApprovalStatus: string;
  clientToken?: string;
  request: Json;
}

export interface SageMakerStandIn extends RunningServer {
  readonly jobs: Map<string, LocalTrainingJob>;
  readonly modelPackages: ModelPackage[];
  /** Every CreateTrainingJob call with its outcome, rejected ones included. */
  readonly createCalls: {
    name: string;
    outcome: 'created' | 'ResourceInUse' | 'ValidationException';
    problems?: string[];
  }[];
  faults: FaultRule[];
  /** Jobs not yet in a terminal state. */
  active(): number;
}

export interface SageMakerOptions {
  region: string;
  account: string;
  s3: S3Client;
  workDir: string;
  runtime: TrainingRuntime;
  modelPackageGroups: string[];
  /** Puts a SageMaker event on the default bus. */
  emit: (detailType: string, resources: string[], detail: Json) => void;
  onLine?: (jobName: string, line: string) => void;
  onProgress?: (progress: TrainingProgress) => void;
  onStatus?: (job: LocalTrainingJob) => void;
  /** Pause between simulated secondary states, in ms. */
  stepMs?: number;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;
const tagsOf = (request: Json): { Key: string; Value: string }[] =>
  (request.Tags as { Key: string; Value: string }[] | undefined) ?? [];
const STEP_LINE = /^epoch (\d+)\/(\d+) step (\d+)\/(\d+) loss=([0-9.]+)/;

/**
 * SageMaker (AWS JSON 1.1): training jobs that really train, with the project's `container/` program,
 * and a model registry. Requests are checked against the official API model first, as SageMaker does.
 */
export async function startSageMaker(options: SageMakerOptions): Promise<SageMakerStandIn> {
  const jobs = new Map<string, LocalTrainingJob>();
  const modelPackages: ModelPackage[] = [];
  const createCalls: SageMakerStandIn['createCalls'] = [];
  const groups = new Map(
    options.modelPackageGroups.map((name) => [
      name,
      {
        name,
        arn: `arn:aws:sagemaker:${options.region}:${options.account}:model-package-group/${name.toLowerCase()}`,
        created: Date.now(),
      },
    ]),
  );
  const stepMs = options.stepMs ?? 150;
  const standIn = { faults: [] as FaultRule[] };

  const validate = (operation: string, input: Json): void => {
    const problems = validateAgainstModel(operation, input);
    if (problems.length)
      throw new AwsError(
        'ValidationException',
        `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
      );
  };
  const jobOf = (input: Json): LocalTrainingJob => {
    const job = jobs.get(String(input.TrainingJobName));
    if (!job)
      throw new AwsError(
        'ResourceNotFound',
        `Requested resource not found: Training job ${String(input.TrainingJobName)} does not exist.`,
      );
    return job;
  };

  const describe = (job: LocalTrainingJob, time: (ms: number) => unknown = seconds): Json => {
    const { Tags: _tags, ...request } = job.request;
    return {
      ...request,
      TrainingJobArn: job.arn,
      TrainingJobStatus: job.status,
      SecondaryStatus: job.secondaryStatus,
      CreationTime: time(job.creationTime),
      ...(job.trainingStartTime ? { TrainingStartTime: time(job.trainingStartTime) } : {}),
      ...(job.trainingEndTime ? { TrainingEndTime: time(job.trainingEndTime) } : {}),
      LastModifiedTime: time(job.lastModifiedTime),
      SecondaryStatusTransitions: job.transitions.map((t) => ({
        Status: t.Status,
        StartTime: time(t.StartTime),
        ...(t.EndTime ? { EndTime: time(t.EndTime) } : {}),
        StatusMessage: t.StatusMessage,
      })),
      ...(job.failureReason ? { FailureReason: job.failureReason } : {}),
      FinalMetricDataList: [...job.metrics].map(([MetricName, { value, at }]) => ({
        MetricName,
        Value: value,
        Timestamp: time(at),
      })),
      ...(job.modelArtifacts ? { ModelArtifacts: { S3ModelArtifacts: job.modelArtifacts } } : {}),
      ...(job.trainingSeconds !== undefined ? { TrainingTimeInSeconds: job.trainingSeconds } : {}),
      ...(job.billableSeconds !== undefined ? { BillableTimeInSeconds: job.billableSeconds } : {}),
    };
  };

  /** The "SageMaker Training Job State Change" detail: times as epoch-ms strings, tags as an object. */
  const emitState = (job: LocalTrainingJob): void => {
    const detail = describe(job, (ms) => String(Math.round(ms)));
    detail.Tags = Object.fromEntries(tagsOf(job.request).map((tag) => [tag.Key, tag.Value]));
    options.onStatus?.(job);
    options.emit('SageMaker Training Job State Change', [job.arn], detail);
  };

  const transition = (
    job: LocalTrainingJob,
    status: string,
    message: string,
    final?: LocalTrainingJob['status'],
  ): void => {
    const now = Date.now();
    const open = job.transitions.at(-1);
    if (open && !open.EndTime) open.EndTime = now;
    job.transitions.push({
      Status: status,
      StartTime: now,
      StatusMessage: message,
      ...(final ? { EndTime: now } : {}),
    });
    job.secondaryStatus = status;
    job.lastModifiedTime = now;
    if (final) job.status = final;
    emitState(job);
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const lifecycle = async (job: LocalTrainingJob): Promise<void> => {
    const request = job.request;
    const name = String(request.TrainingJobName);
    const resource = request.ResourceConfig as Json;
    const spot = request.EnableManagedSpotTraining === true;
    transition(job, 'Starting', 'Preparing the instances for training');
    await sleep(stepMs);
    if (job.fault === 'capacity-error' || job.fault === 'internal-error') {
      job.failureReason = job.fault === 'capacity-error' ? FAILURE_TEXT.capacity : FAILURE_TEXT.internal;
      return transition(job, 'Failed', job.failureReason, 'Failed');
    }
    if (job.fault === 'spot-maxwait' && spot) {
      job.trainingSeconds = 0;
      job.billableSeconds = 0;
      return transition(
        job,
        'MaxWaitTimeExceeded',
        'Training job exceeded MaxWaitTimeInSeconds provided',
        'Stopped',
      );
    }
    if (job.stopRequested) return transition(job, 'Stopped', 'Training job stopped by user', 'Stopped');

    transition(job, 'Downloading', 'Downloading input data');
    job.trainingStartTime = Date.now();
    const channels = ((request.InputDataConfig as Json[] | undefined) ?? []).map((channel) => ({
      name: String(channel.ChannelName),
      s3Uri: String(((channel.DataSource as Json).S3DataSource as Json).S3Uri),
      inputMode: String(
        channel.InputMode ?? (request.AlgorithmSpecification as Json).TrainingInputMode ?? 'File',
      ),
    }));
    const checkpoint = request.CheckpointConfig as Json | undefined;
    try {
      for (const channel of channels) {
        const count = await downloadPrefix(
          options.s3,
          channel.s3Uri,
          join(job.workDir, 'input', 'data', channel.name),
        );
        if (count === 0) {
          job.failureReason = `ClientError: No S3 objects found under S3 URL "${channel.s3Uri}" given in input data source. Please ensure that the bucket exists in the selected region (${options.region}), that objects exist under that S3 prefix, and that the role "${String(request.RoleArn)}" has "s3:ListBucket" permissions on bucket "${channel.s3Uri.split('/')[2]}".`;
          return finish(job, 'Failed');
        }
      }
      if (checkpoint?.S3Uri)
        await downloadPrefix(options.s3, String(checkpoint.S3Uri), join(job.workDir, 'checkpoints'));
    } catch (error) {
      job.failureReason = `ClientError: Failed to download data. ${(error as Error).message}`;
      return finish(job, 'Failed');
    }
    if (job.stopRequested) return finish(job, 'Stopped');

    transition(job, 'Training', 'Training image download completed. Training in progress.');
    const definitions = (
      ((request.AlgorithmSpecification as Json).MetricDefinitions as
        | { Name: string; Regex: string }[]
        | undefined) ?? []
    ).map((d) => ({ name: d.Name, regex: new RegExp(d.Regex) }));
    const child = await startTrainingProgram(options.runtime, {
      jobName: name,
      workDir: job.workDir,
      hyperparameters: (request.HyperParameters as Record<string, string> | undefined) ?? {},
      instanceType: String(resource.InstanceType),
      instanceCount: Number(resource.InstanceCount ?? 1),
      channels,
      checkpointS3Uri: checkpoint?.S3Uri as string | undefined,
      onLine: (line) => {
        options.onLine?.(name, line);
        for (const { name: metric, regex } of definitions) {
          const match = regex.exec(line);
          const value = match?.[1] === undefined ? Number.NaN : Number(match[1]);
          if (Number.isFinite(value)) job.metrics.set(metric, { value, at: Date.now() });
        }
        const step = STEP_LINE.exec(line);
        if (step) {
          options.onProgress?.({
            jobName: name,
            epoch: Number(step[1]),
            epochs: Number(step[2]),
            step: Number(step[3]),
            steps: Number(step[4]),
            loss: Number(step[5]),
          });
          // An out-of-memory kill: the kernel ends the process without a word.
          if (job.fault === 'algorithm-error') child.kill('SIGKILL');
        }
      },
    });
    job.process = child;
    const maxRuntime = Number((request.StoppingCondition as Json).MaxRuntimeInSeconds ?? 86400) * 1000;
    const timer = setTimeout(() => {
      job.stopRequested = 'max-runtime';
      child.kill('SIGTERM');
    }, maxRuntime);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    clearTimeout(timer);
    job.process = undefined;
    const code = exit.code ?? (exit.signal === 'SIGKILL' ? 137 : exit.signal === 'SIGTERM' ? 143 : 1);
    if (job.stopRequested) return finish(job, 'Stopped');
    if (code !== 0) {
      const failure = await readFailureFile(job.workDir);
      job.failureReason = failure
        ? `AlgorithmError: ${failure}`.slice(0, 1024)
        : code === 137
          ? FAILURE_TEXT.exitCode137
          : `AlgorithmError: ExecuteUserScriptError: ExitCode ${code}`;
      return finish(job, 'Failed');
    }
    return finish(job, 'Completed');
  };

  /** Uploads what the job produced and ends it in its terminal state. */
  const finish = async (
    job: LocalTrainingJob,
    outcome: 'Completed' | 'Failed' | 'Stopped',
  ): Promise<void> => {
    const request = job.request;
    const name = String(request.TrainingJobName);
    if (job.trainingStartTime) {
      if (outcome !== 'Failed') transition(job, 'Uploading', 'Uploading generated training model');
      const output = String((request.OutputDataConfig as Json).S3OutputPath).replace(/\/+$/, '');
      try {
        const checkpoint = request.CheckpointConfig as Json | undefined;
        await Promise.all([
          outcome !== 'Failed' &&
            packModel(job.workDir).then(async (tarball) => {
              const uri = `${output}/${name}/output/model.tar.gz`;
              await uploadFile(options.s3, tarball, uri);
              job.modelArtifacts = uri;
            }),
          checkpoint?.S3Uri &&
            uploadFolder(options.s3, join(job.workDir, 'checkpoints'), String(checkpoint.S3Uri)),
        ]);
      } catch (error) {
        if (outcome === 'Completed') {
          job.failureReason = `ClientError: Failed to upload model artifacts. ${(error as Error).message}`;
          outcome = 'Failed';
        }
      }
      // The channels, the tarball and the checkpoints are in S3 now; model/ and logs/ stay for a look.
      await removeInputData(job.workDir);
      job.trainingEndTime = Date.now();
      const trained = Math.max(1, Math.round((job.trainingEndTime - job.trainingStartTime) / 1000));
      job.trainingSeconds = trained;
      // Managed spot bills the spot price: shown as fewer billable seconds, as SageMaker reports it.
      job.billableSeconds =
        request.EnableManagedSpotTraining === true ? Math.max(1, Math.round(trained * 0.3)) : trained;
    }
    if (outcome === 'Stopped') {
      const max = job.stopRequested === 'max-runtime';
      return transition(
        job,
        max ? 'MaxRuntimeExceeded' : 'Stopped',
        max ? 'Training job exceeded MaxRuntimeInSeconds provided' : 'Training job stopped by user',
        'Stopped',
      );
    }
    transition(
      job,
      outcome,
      outcome === 'Completed' ? 'Training job completed' : (job.failureReason ?? 'Training job failed'),
      outcome,
    );
  };

  const server = await listen(
    jsonService('SageMaker', {
      CreateTrainingJob: async (input) => {
        const name = String(input.TrainingJobName ?? '');
        try {
          validate('CreateTrainingJob', input);
        } catch (error) {
          createCalls.push({ name, outcome: 'ValidationException', problems: [(error as Error).message] });
          throw error;
        }
        if (jobs.has(name)) {
          createCalls.push({ name, outcome: 'ResourceInUse' });
          throw new AwsError(
            'ResourceInUse',
            `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${jobs.get(name)?.arn})`,
          );
        }
        createCalls.push({ name, outcome: 'created' });
        const attempt =
          tagsOf(input).find((tag) => /attempt$/i.test(tag.Key))?.Value ?? /-(\d+)$/.exec(name)?.[1] ?? '1';
        const fault =
          attempt === '1'
            ? standIn.faults.find((rule) => name.includes(rule.jobNameContains))?.fault
            : undefined;
        const now = Date.now();
        const workDir = join(options.workDir, name);
        await mkdir(workDir, { recursive: true });
        const job: LocalTrainingJob = {
          request: structuredClone(input),
          arn: `arn:aws:sagemaker:${options.region}:${options.account}:training-job/${name.toLowerCase()}`,
          status: 'InProgress',
          secondaryStatus: 'Starting',
          transitions: [],
          creationTime: now,
          lastModifiedTime: now,
          metrics: new Map(),
          workDir,
          ...(fault ? { fault } : {}),
          done: Promise.resolve(),
        };
        jobs.set(name, job);
        job.done = (async () => {
          await sleep(10); // answer the create call before the first event
          await lifecycle(job).catch((error: unknown) => {
            job.failureReason = `InternalServerError: local stand-in failed: ${(error as Error).message}`;
            transition(job, 'Failed', job.failureReason, 'Failed');
          });
        })();
        return { TrainingJobArn: job.arn };
      },
      DescribeTrainingJob: (input) => {
        validate('DescribeTrainingJob', input);
        return describe(jobOf(input));
      },
      StopTrainingJob: (input) => {
        validate('StopTrainingJob', input);
        const job = jobOf(input);
        if (job.status !== 'InProgress')
          throw new AwsError(
            'ValidationException',
            `The training job ${String(input.TrainingJobName)} is not in progress (status ${job.status}).`,
          );
        job.stopRequested = 'user';
        job.status = 'Stopping';
        transition(job, 'Stopping', 'Stopping the training job');
        job.process?.kill('SIGTERM');
        return {};
      },
      ListTrainingJobs: (input) => {
        validate('ListTrainingJobs', input);
        let list = [...jobs.values()];
        if (input.NameContains)
          list = list.filter((job) =>
            String(job.request.TrainingJobName).includes(String(input.NameContains)),
          );
        if (input.StatusEquals) list = list.filter((job) => job.status === input.StatusEquals);
        const by =
          input.SortBy === 'Name'
            ? (job: LocalTrainingJob) => String(job.request.TrainingJobName)
            : (job: LocalTrainingJob) => job.creationTime;
        list.sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0));
        if (input.SortOrder !== 'Ascending') list.reverse();
        return {
          TrainingJobSummaries: list.slice(0, Number(input.MaxResults ?? 10)).map((job) => ({
            TrainingJobName: job.request.TrainingJobName,
            TrainingJobArn: job.arn,
            CreationTime: seconds(job.creationTime),
            ...(job.trainingEndTime ? { TrainingEndTime: seconds(job.trainingEndTime) } : {}),
            LastModifiedTime: seconds(job.lastModifiedTime),
            TrainingJobStatus: job.status,
          })),
        };
      },
      ListTags: (input) => {
        validate('ListTags', input);
        const arn = String(input.ResourceArn);
        const job = [...jobs.values()].find((candidate) => candidate.arn === arn);
        const pkg = modelPackages.find((candidate) => candidate.ModelPackageArn === arn);
        if (!job && !pkg) throw new AwsError('ResourceNotFound', `Resource ${arn} not found.`);
        return { Tags: tagsOf((job ?? pkg)?.request ?? {}) };
      },
      AddTags: (input) => {
        validate('AddTags', input);
        const arn = String(input.ResourceArn);
        const owner =
          [...jobs.values()].find((candidate) => candidate.arn === arn) ??
          modelPackages.find((candidate) => candidate.ModelPackageArn === arn);
        if (!owner) throw new AwsError('ResourceNotFound', `Resource ${arn} not found.`);
        const tags = new Map(tagsOf(owner.request).map((tag) => [tag.Key, tag.Value]));
        for (const tag of (input.Tags as { Key: string; Value: string }[]) ?? [])
          tags.set(tag.Key, tag.Value);
        owner.request.Tags = [...tags].map(([Key, Value]) => ({ Key, Value }));
        return { Tags: owner.request.Tags };
      },
      CreateModelPackageGroup: (input) => {
        validate('CreateModelPackageGroup', input);
        const name = String(input.ModelPackageGroupName);
        if (groups.has(name))
          throw new AwsError('ValidationException', `Model Package Group already exists: ${name}`);
        const group = {
          name,
          arn: `arn:aws:sagemaker:${options.region}:${options.account}:model-package-group/${name.toLowerCase()}`,
          created: Date.now(),
        };
        groups.set(name, group);
        return { ModelPackageGroupArn: group.arn };
      },
      DescribeModelPackageGroup: (input) => {
        validate('DescribeModelPackageGroup', input);
        const group = groups.get(String(input.ModelPackageGroupName).split('/').pop() ?? '');
        if (!group)
          throw new AwsError(
            'ValidationException',
            `ModelPackageGroup ${String(input.ModelPackageGroupName)} does not exist.`,
          );
        return {
          ModelPackageGroupName: group.name,
          ModelPackageGroupArn: group.arn,
          CreationTime: seconds(group.created),
          ModelPackageGroupStatus: 'Completed',
          CreatedBy: {},
        };
      },
      CreateModelPackage: (input) => {
        validate('CreateModelPackage', input);
        const groupRef = String(input.ModelPackageGroupName ?? '');
        if (!groupRef)
          throw new AwsError(
            'ValidationException',
            'The local stand-in supports versioned model packages only: ModelPackageGroupName is required.',
          );
        const group = [...groups.values()].find(
          (candidate) => candidate.name === groupRef || candidate.arn === groupRef,
        );
        if (!group)
          throw new AwsError('ValidationException', `Model Package Group ${groupRef} does not exist.`);
        const token = input.ClientToken as string | undefined;
        const same = token ? modelPackages.find((pkg) => pkg.clientToken === token) : undefined;
        if (same) return { ModelPackageArn: same.ModelPackageArn };
        const version = modelPackages.filter((pkg) => pkg.ModelPackageGroupName === group.name).length + 1;
        const now = Date.now();
        const pkg: ModelPackage = {
          ModelPackageGroupName: group.name,
          ModelPackageVersion: version,
          ModelPackageArn: `arn:aws:sagemaker:${options.region}:${options.account}:model-package/${group.name.toLowerCase()}/${version}`,
          ModelPackageName: group.name,
          CreationTime: now,
          LastModifiedTime: now,
          ModelPackageStatus: 'Completed',
          ModelApprovalStatus: String(input.ModelApprovalStatus ?? 'PendingManualApproval'),
          ...(token ? { clientToken: token } : {}),
          request: structuredClone(input),
        };
        modelPackages.push(pkg);
        return { ModelPackageArn: pkg.ModelPackageArn };
      },
      DescribeModelPackage: (input) => {
        validate('DescribeModelPackage', input);
        const ref = String(input.ModelPackageName);
        const pkg = modelPackages.find((candidate) => candidate.ModelPackageArn === ref);
        if (!pkg) throw new AwsError('ValidationException', `ModelPackage ${ref} does not exist.`);
        const { ClientToken: _token, Tags: _tags, ...request } = pkg.request;
        return {
          ...request,
          ModelPackageName: pkg.ModelPackageName,
          ModelPackageGroupName: pkg.ModelPackageGroupName,
          ModelPackageVersion: pkg.ModelPackageVersion,
          ModelPackageArn: pkg.ModelPackageArn,
          CreationTime: seconds(pkg.CreationTime),
          LastModifiedTime: seconds(pkg.LastModifiedTime),
          ModelPackageStatus: pkg.ModelPackageStatus,
          ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
          ModelApprovalStatus: pkg.ModelApprovalStatus,
        };
      },
      ListModelPackages: (input) => {
        validate('ListModelPackages', input);
        let list = modelPackages.filter(
          (pkg) => !input.ModelPackageGroupName || pkg.ModelPackageGroupName === input.ModelPackageGroupName,
        );
        if (input.ModelApprovalStatus)
          list = list.filter((pkg) => pkg.ModelApprovalStatus === input.ModelApprovalStatus);
        list = [...list].sort(
          (a, b) => a.CreationTime - b.CreationTime || a.ModelPackageVersion - b.ModelPackageVersion,
        );
        if (input.SortOrder !== 'Ascending') list.reverse();
        return {
          ModelPackageSummaryList: list.slice(0, Number(input.MaxResults ?? 100)).map((pkg) => ({
            ModelPackageName: pkg.ModelPackageName,
            ModelPackageGroupName: pkg.ModelPackageGroupName,
            ModelPackageVersion: pkg.ModelPackageVersion,
            ModelPackageArn: pkg.ModelPackageArn,
            ModelPackageDescription: pkg.request.ModelPackageDescription,
            CreationTime: seconds(pkg.CreationTime),
            ModelPackageStatus: pkg.ModelPackageStatus,
            ModelApprovalStatus: pkg.ModelApprovalStatus,
          })),
        };
      },
      UpdateModelPackage: (input) => {
        validate('UpdateModelPackage', input);
        const pkg = modelPackages.find((candidate) => candidate.ModelPackageArn === input.ModelPackageArn);
        if (!pkg)
          throw new AwsError(
            'ValidationException',
            `ModelPackage ${String(input.ModelPackageArn)} does not exist.`,
          );
        if (input.ModelApprovalStatus) pkg.ModelApprovalStatus = String(input.ModelApprovalStatus);
        pkg.LastModifiedTime = Date.now();
        return { ModelPackageArn: pkg.ModelPackageArn };
      },
    }),
  );
  return Object.assign(standIn, {
    ...server,
    jobs,
    modelPackages,
    createCalls,
    active: () =>
      [...jobs.values()].filter((job) => job.status === 'InProgress' || job.status === 'Stopping').length,
  });
}
