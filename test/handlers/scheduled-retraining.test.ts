import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  ResourceInUse,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { awsFixture } from '../support/aws-fixtures';
import { assertEveryRequestValid, assertValidSageMakerRequest } from '../support/sagemaker-model';
import { applyTestEnv } from '../support/test-env';

applyTestEnv();
const { handler } = await import('../../functions/scheduled-retraining/handler');
const { runIdFor } = await import('../../shared/domain/job-naming');

const sagemaker = mockClient(SageMakerClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const context = {} as never;

/** The SAM CLI sample with its template placeholders filled in. */
const scheduledEvent = (time = '2026-12-06T03:00:00Z') => {
  const event = awsFixture<Record<string, unknown>>('scheduled-event.aws-sam-cli.template.json');
  event.account = '123456789012';
  event.region = 'us-east-1';
  event.resources = ['arn:aws:events:us-east-1:123456789012:rule/gto-retrain'];
  event.time = time;
  return event;
};

/** DescribeTrainingJob of a job whose train channel reads the given S3 URI. */
const readingVersion = (trainUri: string) => ({
  InputDataConfig: [
    {
      ChannelName: 'train',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: trainUri } },
    },
  ],
});

/** A ListTrainingJobs summary of a running job. */
const inProgress = (name: string) => ({
  TrainingJobName: name,
  TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
  CreationTime: new Date(),
  TrainingJobStatus: 'InProgress' as const,
});

const putDetails = () =>
  events.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      detailType: entry.DetailType,
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

// Every request a test produced must pass the official SageMaker API model's constraints.
afterEach(() => assertEveryRequestValid(sagemaker as never));

beforeEach(() => {
  sagemaker.reset();
  events.reset();
  s3.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  s3.on(ListObjectsV2Command).resolves({
    CommonPrefixes: [
      { Prefix: 'datasets/cats/2026-11-01/' },
      { Prefix: 'datasets/cats/2026-12-01/' },
      { Prefix: 'datasets/cats/_tmp/' },
      { Prefix: 'datasets/cats/wip/' },
    ],
  });
  s3.on(HeadObjectCommand, { Key: 'datasets/cats/2026-11-01/manifest.json' }).resolves({
    LastModified: new Date('2026-11-01T10:00:00Z'),
    ETag: '"a"',
  });
  s3.on(HeadObjectCommand, { Key: 'datasets/cats/2026-12-01/manifest.json' }).resolves({
    LastModified: new Date('2026-12-01T10:00:00Z'),
    ETag: '"b"',
  });
  s3.on(HeadObjectCommand, { Key: 'datasets/cats/wip/manifest.json' }).rejects(
    Object.assign(new Error('Not Found'), { name: 'NotFound' }),
  );
  s3.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('{}')) } as never,
    ContentRange: 'bytes 0-1/2',
  });
  sagemaker.on(ListTrainingJobsCommand).resolves({ TrainingJobSummaries: [] });
  sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn' });
});

describe('scheduled-retraining handler', () => {
  it('retrains the newest version that has a manifest, with trigger schedule and a slot-derived run id', async () => {
    await handler(scheduledEvent(), context);
    assert.deepEqual(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input, {
      Bucket: 'gto-datasets',
      Prefix: 'datasets/cats/',
      Delimiter: '/',
      ContinuationToken: undefined,
    });
    assert.deepEqual(
      s3
        .commandCalls(HeadObjectCommand)
        .map((call) => call.args[0].input.Key)
        .sort(),
      [
        'datasets/cats/2026-11-01/manifest.json',
        'datasets/cats/2026-12-01/manifest.json',
        'datasets/cats/wip/manifest.json',
      ],
    );
    const runId = runIdFor({
      trigger: 'schedule',
      bucket: 'gto-datasets',
      datasetVersionRoot: 'datasets/cats/2026-12-01/',
      slot: '2026-12-06T03:00:00Z',
    });
    const request = sagemaker.commandCalls(CreateTrainingJobCommand)[0]?.args[0].input;
    assert.equal(request?.TrainingJobName, `gto-cats-${runId}-1`);
    assert.equal(
      request?.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri,
      's3://gto-datasets/datasets/cats/2026-12-01/train/',
    );
    assert.deepEqual(
      request?.Tags?.find((tag) => tag.Key === 'orchestrator:trigger'),
      { Key: 'orchestrator:trigger', Value: 'schedule' },
    );
    assertValidSageMakerRequest('CreateTrainingJob', request);
    assert.deepEqual(sagemaker.commandCalls(ListTrainingJobsCommand)[0]?.args[0].input, {
      NameContains: 'gto-cats',
      StatusEquals: 'InProgress',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 100,
    });
    assert.deepEqual(
      putDetails().map((e) => [e.detailType, e.detail.trigger, e.detail.reason]),
      [['Training Run Started', 'schedule', 'scheduled retrain (slot 2026-12-06T03:00:00Z)']],
    );
  });

  it('a duplicated delivery of the same slot starts one job; the next slot is a new run', async () => {
    sagemaker
      .on(CreateTrainingJobCommand)
      .resolvesOnce({ TrainingJobArn: 'arn' })
      .rejects(new ResourceInUse({ message: 'exists', $metadata: {} }));
    await handler(scheduledEvent(), context);
    const duplicate = await handler(scheduledEvent(), context);
    assert.equal((duplicate as { outcome: { outcome: string } }).outcome.outcome, 'already-launched');
    sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn' });
    await handler(scheduledEvent('2026-12-07T03:00:00Z'), context);
    const names = sagemaker
      .commandCalls(CreateTrainingJobCommand)
      .map((call) => call.args[0].input.TrainingJobName);
    assert.equal(names[0], names[1]);
    assert.notEqual(names[1], names[2]);
    assert.equal(putDetails().filter((e) => e.detailType === 'Training Run Started').length, 2);
  });

  it('a repeated delivery of a slot whose job is running is already launched, not a skip', async () => {
    const runId = runIdFor({
      trigger: 'schedule',
      bucket: 'gto-datasets',
      datasetVersionRoot: 'datasets/cats/2026-12-01/',
      slot: '2026-12-06T03:00:00Z',
    });
    sagemaker.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [inProgress(`gto-cats-${runId}-1`)],
    });
    sagemaker
      .on(DescribeTrainingJobCommand)
      .resolves(readingVersion('s3://gto-datasets/datasets/cats/2026-12-01/train/'));
    const result = await handler(scheduledEvent(), context);
    assert.deepEqual((result as { outcome: unknown }).outcome, {
      outcome: 'already-launched',
      jobName: `gto-cats-${runId}-1`,
    });
    assert.equal(putDetails().length, 0);
  });

  it('skips with an event when a job for that dataset version is still running', async () => {
    sagemaker.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [inProgress('gto-cats-aaaaaaaaaaaa-1'), inProgress('gto-cats-bbbbbbbbbbbb-2')],
    });
    sagemaker
      .on(DescribeTrainingJobCommand, { TrainingJobName: 'gto-cats-aaaaaaaaaaaa-1' })
      .resolves(readingVersion('s3://gto-datasets/datasets/cats/2026-11-01/train/'));
    sagemaker
      .on(DescribeTrainingJobCommand, { TrainingJobName: 'gto-cats-bbbbbbbbbbbb-2' })
      .resolves(readingVersion('s3://gto-datasets/datasets/cats/2026-12-01/train/'));
    const result = await handler(scheduledEvent(), context);
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
    assert.equal((result as { outcome: { outcome: string } }).outcome.outcome, 'skipped');
    const [skipped] = putDetails();
    assert.equal(skipped?.detailType, 'Training Run Skipped');
    assert.equal(skipped?.detail.runningJobName, 'gto-cats-bbbbbbbbbbbb-2');
    assert.deepEqual(skipped?.detail.dataset, {
      name: 'cats',
      version: '2026-12-01',
      uri: 's3://gto-datasets/datasets/cats/2026-12-01/',
    });
  });

  it('a dataset with no manifest anywhere is a clear, permanent error', async () => {
    s3.on(ListObjectsV2Command).resolves({ CommonPrefixes: [] });
    const result = await handler(scheduledEvent(), context);
    assert.deepEqual(Object.keys(result as object).sort(), ['code', 'message', 'status']);
    assert.equal((result as unknown as { code: string }).code, 'DatasetNotFound');
    assert.match(
      (result as unknown as { message: string }).message,
      /no version of dataset 'cats' has a manifest\.json/,
    );
  });

  it('rejects an event that is not a schedule', async () => {
    const result = await handler(awsFixture('s3-object-created-eventbridge.awsdocs.json'), context);
    assert.equal((result as unknown as { code: string }).code, 'InvalidEvent');
  });
});
