import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  AddTagsCommand,
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { assertEveryRequestValid, assertValidSageMakerRequest } from '../support/sagemaker-model';
import { applyTestEnv, TEST_ENV } from '../support/test-env';
import {
  describeJob,
  type JobShape,
  jobArn,
  jobName,
  ourTags,
  RUN_ID,
  stateChange,
  summaries,
} from '../support/training-job-events';

applyTestEnv();
const { handler } = await import('../../functions/retry-training/handler');
const { parseConfig } = await import('../../shared/config/load-config');
const { buildTrainingRequest } = await import('../../shared/domain/build-training-request');
const { jobLinks } = await import('../../shared/domain/orchestrator-events');

const sagemaker = mockClient(SageMakerClient);
const events = mockClient(EventBridgeClient);
const scheduler = mockClient(SchedulerClient);
const context = {} as never;
const config = parseConfig(TEST_ENV);

const CAPACITY =
  'CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.';
const INTERNAL = 'InternalServerError: We encountered an internal error.  Please try again.';
const OOM = 'AlgorithmError: ExecuteUserScriptError: ExitCode 137';

const published = () =>
  events.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      detailType: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

/** SageMaker as it looks after `shape` ended; `attempts` are the run's jobs ListTrainingJobs returns. */
function given(shape: JobShape, attempts: number[] = [shape.attempt ?? 1]) {
  sagemaker.on(DescribeTrainingJobCommand).resolves(describeJob(shape));
  sagemaker.on(ListTagsCommand).resolves({ Tags: ourTags(shape.attempt ?? 1) });
  sagemaker.on(ListTrainingJobsCommand).resolves(summaries(...attempts));
}

const run = (attempt: number, instanceType: string, spot: boolean) => ({
  runId: RUN_ID,
  attempt,
  trigger: 'dataset-upload' as const,
  datasetVersion: {
    bucket: 'gto-datasets',
    dataset: 'cats',
    version: 'v1',
    versionRoot: 'datasets/cats/v1/',
    manifestKey: 'datasets/cats/v1/manifest.json',
  },
  instanceType,
  spot,
  hyperparameters: { epochs: '5', batch_size: '64' },
  channels: [
    { name: 'train', s3Uri: 's3://gto-datasets/datasets/cats/v1/train/', inputMode: 'File' as const },
    {
      name: 'validation',
      s3Uri: 's3://gto-datasets/datasets/cats/v1/validation/',
      inputMode: 'File' as const,
    },
  ],
});

const context1 = (attempt: number, instanceType: string, spot: boolean) => ({
  runId: RUN_ID,
  jobName: jobName(attempt),
  attempt,
  maxAttempts: 3,
  trigger: 'dataset-upload',
  dataset: { name: 'cats', version: 'v1', uri: 's3://gto-datasets/datasets/cats/v1/' },
  instanceType,
  instanceCount: 1,
  spot,
  links: jobLinks('us-east-1', jobName(attempt)),
});

// Every request a test produced must pass the official SageMaker API model's constraints.
afterEach(() => assertEveryRequestValid(sagemaker as never));

beforeEach(() => {
  sagemaker.reset();
  events.reset();
  scheduler.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: jobArn(jobName(2)) });
  scheduler
    .on(CreateScheduleCommand)
    .resolves({ ScheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/x' });
});

describe('retry-training handler', () => {
  it('CapacityError: launches the next GPU type on the ladder now, rebuilt from DescribeTrainingJob', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-01-05T10:00:00Z') });
    try {
      given({ failureReason: CAPACITY });
      const result = await handler(stateChange({ failureReason: CAPACITY }), context);
      assert.deepEqual(sagemaker.commandCalls(DescribeTrainingJobCommand)[0]?.args[0].input, {
        TrainingJobName: jobName(1),
      });
      assert.deepEqual(sagemaker.commandCalls(ListTagsCommand)[0]?.args[0].input, {
        ResourceArn: jobArn(jobName(1)),
        MaxResults: 100,
        NextToken: undefined,
      });
      assert.deepEqual(sagemaker.commandCalls(ListTrainingJobsCommand)[0]?.args[0].input, {
        NameContains: `-${RUN_ID}-`,
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: 100,
      });
      const creates = sagemaker.commandCalls(CreateTrainingJobCommand);
      assert.equal(creates.length, 1);
      const request = creates[0]?.args[0].input;
      assert.deepEqual(request, buildTrainingRequest(config, run(2, 'ml.g5.4xlarge', true)));
      assertValidSageMakerRequest('CreateTrainingJob', request);
      assert.equal(request?.TrainingJobName, jobName(2));
      assert.deepEqual(request?.HyperParameters, { epochs: '5', batch_size: '64' });
      assert.equal(request?.CheckpointConfig?.S3Uri, `s3://gto-artifacts/checkpoints/${RUN_ID}/`);

      assert.deepEqual(published(), [
        {
          detailType: 'Training Run Started',
          detail: {
            ...context1(2, 'ml.g5.4xlarge', true),
            reason: `retry of attempt 1 after ${CAPACITY}`,
          },
        },
        {
          detailType: 'Training Run Retrying',
          detail: {
            ...context1(1, 'ml.g5.2xlarge', true),
            failureReason: CAPACITY,
            failureClass: 'CapacityError',
            nextAction: 'launch attempt 2 on ml.g5.4xlarge (spot) now: no capacity for ml.g5.2xlarge',
            nextInstanceType: 'ml.g5.4xlarge',
            nextSpot: true,
            nextAttemptAt: '2026-01-05T10:00:00.000Z',
          },
        },
      ]);
      assert.equal((result as { outcome: { outcome: string } }).outcome.outcome, 'relaunched');
    } finally {
      mock.timers.reset();
    }
  });

  it('InternalServerError: same spec after jittered backoff through a one-time schedule, no sleeping', async () => {
    mock.timers.enable({ apis: ['Date'], now: new Date('2026-01-05T10:00:00Z') });
    const random = mock.method(Math, 'random', () => 0.5);
    try {
      given({ failureReason: INTERNAL });
      await handler(stateChange({ failureReason: INTERNAL }), context);
      assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
      const schedules = scheduler.commandCalls(CreateScheduleCommand);
      assert.equal(schedules.length, 1);
      const reason = `retry of attempt 1 after ${INTERNAL}`;
      assert.deepEqual(schedules[0]?.args[0].input, {
        Name: `${jobName(2)}-w0`,
        GroupName: 'gto-relaunch',
        // base 120 s x 2^0 x 0.5 = 60 s.
        ScheduleExpression: 'at(2026-01-05T10:01:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Description: reason,
        Target: {
          Arn: TEST_ENV.RELAUNCH_TARGET_ARN,
          RoleArn: TEST_ENV.SCHEDULER_ROLE_ARN,
          Input: JSON.stringify({
            relaunch: {
              run: run(2, 'ml.g5.2xlarge', true),
              reason,
              failureClass: 'InternalServerError',
              quotaWaits: 0,
            },
          }),
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: { Arn: TEST_ENV.SCHEDULER_DLQ_ARN },
        },
      });
      assert.deepEqual(published(), [
        {
          detailType: 'Training Run Retrying',
          detail: {
            ...context1(1, 'ml.g5.2xlarge', true),
            failureReason: INTERNAL,
            failureClass: 'InternalServerError',
            nextAction: 'launch attempt 2 on ml.g5.2xlarge (spot) again after a 60s backoff',
            nextInstanceType: 'ml.g5.2xlarge',
            nextSpot: true,
            nextAttemptAt: '2026-01-05T10:01:00.000Z',
          },
        },
      ]);
    } finally {
      random.mock.restore();
      mock.timers.reset();
    }
  });

  it('a duplicated delayed retry meets the existing schedule (ConflictException ignored)', async () => {
    given({ failureReason: INTERNAL });
    scheduler
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ConflictException' }));
    const result = await handler(stateChange({ failureReason: INTERNAL }), context);
    assert.equal((result as { outcome: { outcome: string } }).outcome.outcome, 'scheduled');
  });

  it('spot MaxWaitTimeExceeded: same type on demand', async () => {
    given({ status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded' });
    await handler(stateChange({ status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded' }), context);
    const request = sagemaker.commandCalls(CreateTrainingJobCommand)[0]?.args[0].input;
    assert.deepEqual(request, buildTrainingRequest(config, run(2, 'ml.g5.2xlarge', false)));
    assert.equal(request?.EnableManagedSpotTraining, false);
    assert.equal(request?.StoppingCondition?.MaxWaitTimeInSeconds, undefined);
    assert.deepEqual(
      published().map((event) => [event.detailType, event.detail.failureClass ?? null]),
      [
        ['Training Run Started', null],
        ['Training Run Retrying', 'MaxWaitTimeExceeded'],
      ],
    );
  });

  const finals: Array<[string, JobShape, string, RegExp]> = [
    [
      'MaxRuntimeExceeded',
      { status: 'Stopped', secondaryStatus: 'MaxRuntimeExceeded' },
      'Training Run Stopped',
      /Raise MAX_RUNTIME_SECONDS, or train fewer epochs/,
    ],
    [
      'AlgorithmError exit 137 (OOM)',
      { failureReason: OOM },
      'Training Run Failed',
      /out of memory.*batch_size/,
    ],
    [
      'ClientError',
      { failureReason: 'ClientError: Data download failed: NoSuchKey' },
      'Training Run Failed',
      /rejected the job input/,
    ],
    [
      'stopped by a person',
      { status: 'Stopped', secondaryStatus: 'Stopped' },
      'Training Run Stopped',
      /Someone stopped/,
    ],
    [
      'unknown failure',
      { failureReason: 'Something nobody has seen' },
      'Training Run Failed',
      /not one the orchestrator retries/,
    ],
  ];
  for (const [name, shape, detailType, remedy] of finals) {
    it(`${name}: final, no new job, a ${detailType} event with a remedy`, async () => {
      given(shape);
      await handler(stateChange(shape), context);
      assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
      assert.equal(scheduler.commandCalls(CreateScheduleCommand).length, 0);
      const [event, ...rest] = published();
      assert.equal(rest.length, 0);
      assert.equal(event?.detailType, detailType);
      assert.equal(event?.detail.status, detailType === 'Training Run Stopped' ? 'Stopped' : 'Failed');
      assert.match(String(event?.detail.remedy), remedy);
    });
  }

  it('the ladder runs out into a final failure', async () => {
    given({ attempt: 2, instanceType: 'ml.p3.2xlarge', failureReason: CAPACITY });
    await handler(stateChange({ attempt: 2, failureReason: CAPACITY }), context);
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
    const [event] = published();
    assert.equal(event?.detailType, 'Training Run Failed');
    assert.equal(event?.detail.failureClass, 'CapacityError');
    assert.match(String(event?.detail.remedy), /ml\.p3\.2xlarge, the last type on the ladder/);
  });

  it('out of attempts (MAX_ATTEMPTS=3) is final and names the last reason', async () => {
    given({ attempt: 3, failureReason: INTERNAL });
    await handler(stateChange({ attempt: 3, failureReason: INTERNAL }), context);
    assert.equal(scheduler.commandCalls(CreateScheduleCommand).length, 0);
    const [event] = published();
    assert.equal(event?.detailType, 'Training Run Failed');
    assert.match(
      String(event?.detail.remedy),
      /Out of attempts \(3 of 3\).*InternalServerError: We encountered/,
    );
  });

  it('a quota refusal on the retry is handled by launchAttempt (next rung)', async () => {
    given({ failureReason: CAPACITY });
    sagemaker
      .on(CreateTrainingJobCommand)
      .rejectsOnce(
        new ResourceLimitExceeded({
          $metadata: {},
          message:
            "The account-level service limit 'ml.g5.4xlarge for spot training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please contact AWS support to request an increase for this limit.",
        }),
      )
      .resolves({ TrainingJobArn: jobArn(jobName(2)) });
    await handler(stateChange({ failureReason: CAPACITY }), context);
    const creates = sagemaker.commandCalls(CreateTrainingJobCommand).map((call) => call.args[0].input);
    assert.deepEqual(
      creates.map((request) => [request.ResourceConfig?.InstanceType, request.EnableManagedSpotTraining]),
      [
        ['ml.g5.4xlarge', true],
        ['ml.g5.4xlarge', false],
      ],
    );
    const retrying = published().find((event) => event.detailType === 'Training Run Retrying');
    assert.equal(retrying?.detail.nextSpot, false);
  });

  it('two deliveries of one Failed event make one retry job and one Retrying event', async () => {
    // The listing has not caught up with attempt 2 yet: SageMaker's name uniqueness is the guard.
    given({ failureReason: CAPACITY });
    sagemaker
      .on(CreateTrainingJobCommand)
      .resolvesOnce({ TrainingJobArn: jobArn(jobName(2)) })
      .rejects(new ResourceInUse({ $metadata: {}, message: 'Training job names must be unique' }));
    const first = await handler(stateChange({ failureReason: CAPACITY }), context);
    // The first delivery tagged attempt 2 as announced; the second finds the tag.
    assert.deepEqual(sagemaker.commandCalls(AddTagsCommand)[0]?.args[0].input, {
      ResourceArn: jobArn(jobName(2)),
      Tags: [{ Key: 'orchestrator:announced', Value: 'true' }],
    });
    sagemaker
      .on(DescribeTrainingJobCommand, { TrainingJobName: jobName(2) })
      .resolves({ TrainingJobArn: jobArn(jobName(2)), CreationTime: new Date('2020-01-01T00:00:00Z') });
    sagemaker
      .on(ListTagsCommand, { ResourceArn: jobArn(jobName(2)) })
      .resolves({ Tags: [...ourTags(2), { Key: 'orchestrator:announced', Value: 'true' }] });
    const second = await handler(stateChange({ failureReason: CAPACITY }), context);
    const names = sagemaker
      .commandCalls(CreateTrainingJobCommand)
      .map((call) => call.args[0].input.TrainingJobName);
    assert.deepEqual(names, [jobName(2), jobName(2)]);
    assert.equal((first as { outcome: { launch: { outcome: string } } }).outcome.launch.outcome, 'launched');
    assert.equal(
      (second as { outcome: { launch: { outcome: string } } }).outcome.launch.outcome,
      'already-launched',
    );
    assert.deepEqual(
      published().map((event) => event.detailType),
      ['Training Run Started', 'Training Run Retrying'],
    );
  });

  it('a Failed for attempt 1 arriving after attempt 2 started is ignored', async () => {
    given({ failureReason: CAPACITY }, [2, 1]);
    const result = await handler(stateChange({ failureReason: CAPACITY }), context);
    assert.deepEqual(result, {
      status: 'ok',
      outcome: { outcome: 'ignored', reason: 'superseded-attempt', jobName: jobName(1) },
    });
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
    assert.equal(published().length, 0);
  });

  it('ignores jobs that are not ours, by name (no AWS call) and by the managed-by tag', async () => {
    const foreign = stateChange({ failureReason: CAPACITY });
    (foreign.detail as Record<string, unknown>).TrainingJobName = 'someone-elses-job';
    const byName = await handler(foreign, context);
    assert.equal((byName as { outcome: { reason: string } }).outcome.reason, 'not-our-name');
    assert.equal(sagemaker.commandCalls(DescribeTrainingJobCommand).length, 0);

    given({ failureReason: CAPACITY });
    sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    const byTag = await handler(stateChange({ failureReason: CAPACITY }), context);
    assert.equal((byTag as { outcome: { reason: string } }).outcome.reason, 'not-managed-by-us');
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
    assert.equal(published().length, 0);
  });

  it('ignores Completed and InProgress (the register function owns Completed)', async () => {
    const result = await handler(stateChange({ status: 'Completed' }), context);
    assert.equal((result as { outcome: { reason: string } }).outcome.reason, 'not-failed-or-stopped');
    assert.equal(sagemaker.commandCalls(DescribeTrainingJobCommand).length, 0);
  });

  it('rethrows throttling on DescribeTrainingJob so Lambda retries the event', async () => {
    sagemaker
      .on(DescribeTrainingJobCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await assert.rejects(handler(stateChange({ failureReason: CAPACITY }), context), /Rate exceeded/);
    assert.equal(published().length, 0);
  });

  it('acknowledges an event that is not a SageMaker state change with a structured rejection', async () => {
    const result = await handler({ source: 'aws.s3', detail: {} }, context);
    assert.equal((result as unknown as { code: string }).code, 'InvalidEvent');
  });
});
