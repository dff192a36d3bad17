import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AddTagsCommand,
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { awsFixture } from '../support/aws-fixtures';
import { assertEveryRequestValid, assertValidSageMakerRequest } from '../support/sagemaker-model';
import { applyTestEnv } from '../support/test-env';

applyTestEnv();
const { handler } = await import('../../functions/start-training/handler');
const { runIdFor } = await import('../../shared/domain/job-naming');

const sagemaker = mockClient(SageMakerClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const scheduler = mockClient(SchedulerClient);
const context = {} as never;
const JOB_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/gto-cats-0123456789ab-1';

type EbS3Event = ReturnType<typeof awsFixture> & {
  detail: { bucket: { name: string }; object: { key: string; etag: string; 'version-id'?: string } };
};

const eventBridgeUpload = (key: string, versionId = 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e'): EbS3Event => {
  const event = awsFixture<EbS3Event>('s3-object-created-eventbridge.awsdocs.json');
  event.detail.bucket.name = 'gto-datasets';
  event.detail.object.key = key;
  event.detail.object['version-id'] = versionId;
  return event;
};

type Records = {
  Records: Array<{ s3: { bucket: { name: string }; object: { key: string; versionId?: string } } }>;
};
const classicUpload = (encodedKey: string): Records => {
  const event = awsFixture<Records>('s3-put-notification.aws-lambda-go.json');
  const record = event.Records[0];
  assert.ok(record);
  record.s3.bucket.name = 'gto-datasets';
  record.s3.object.key = encodedKey;
  return event;
};

const body = (text: string) => ({
  // The part of the SDK's stream mixin the adapter uses.
  Body: { transformToByteArray: async () => new Uint8Array(Buffer.from(text)) } as never,
  ContentLength: Buffer.byteLength(text),
  ContentRange: `bytes 0-${Math.max(Buffer.byteLength(text) - 1, 0)}/${Buffer.byteLength(text)}`,
});

const putEventDetails = () =>
  events.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      detailType: entry.DetailType,
      bus: entry.EventBusName,
      source: entry.Source,
      detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

// Every request a test produced must pass the official SageMaker API model's constraints.
afterEach(() => assertEveryRequestValid(sagemaker as never));

beforeEach(() => {
  sagemaker.reset();
  events.reset();
  s3.reset();
  scheduler.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  s3.on(GetObjectCommand).callsFake(() => body('{"hyperparameters": {"epochs": 5}}'));
  sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: JOB_ARN });
  // A job that exists was, by default, just created by a delivery racing this one.
  sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobArn: JOB_ARN, CreationTime: new Date() });
  sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
});

describe('start-training handler', () => {
  it('launches one GPU job for a manifest at a version root and announces it', async () => {
    const event = eventBridgeUpload('datasets/cats/v1/manifest.json');
    const result = await handler(event, context);

    const runId = runIdFor({
      trigger: 'dataset-upload',
      bucket: 'gto-datasets',
      key: 'datasets/cats/v1/manifest.json',
      versionOrEtag: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
    });
    const jobName = `gto-cats-${runId}-1`;
    assert.deepEqual(result, {
      status: 'ok',
      outcomes: [
        {
          outcome: 'launched',
          jobName,
          run: (result as never as { outcomes: [{ run: unknown }] }).outcomes[0].run,
        },
      ],
    });
    assert.deepEqual(s3.commandCalls(GetObjectCommand)[0]?.args[0].input, {
      Bucket: 'gto-datasets',
      Key: 'datasets/cats/v1/manifest.json',
      Range: 'bytes=0-65536',
    });
    const creates = sagemaker.commandCalls(CreateTrainingJobCommand);
    assert.equal(creates.length, 1);
    const request = creates[0]?.args[0].input;
    assert.ok(request);
    assert.equal(request.TrainingJobName, jobName);
    assert.equal(request.ResourceConfig?.InstanceType, 'ml.g5.2xlarge');
    assert.equal(request.EnableManagedSpotTraining, true);
    assert.deepEqual(request.HyperParameters, { epochs: '5' });
    assert.deepEqual(request.CheckpointConfig, {
      S3Uri: `s3://gto-artifacts/checkpoints/${runId}/`,
      LocalPath: '/opt/ml/checkpoints',
    });
    assertValidSageMakerRequest('CreateTrainingJob', request);

    const [started, ...others] = putEventDetails();
    assert.equal(others.length, 0);
    assert.deepEqual(started, {
      detailType: 'Training Run Started',
      bus: 'gto-bus',
      source: 'gpu-training-orchestrator',
      detail: {
        runId,
        jobName,
        attempt: 1,
        maxAttempts: 3,
        trigger: 'dataset-upload',
        dataset: { name: 'cats', version: 'v1', uri: 's3://gto-datasets/datasets/cats/v1/' },
        instanceType: 'ml.g5.2xlarge',
        instanceCount: 1,
        spot: true,
        links: {
          console: `https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/jobs/${jobName}`,
          logs: started?.detail.links && (started.detail.links as { logs: string }).logs,
        },
        reason: 'manifest.json uploaded to datasets/cats/v1/',
      },
    });
    assert.ok(started);
    assert.match(
      (started.detail.links as { logs: string }).logs,
      /^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#logsV2:log-groups\/log-group\/\$252Faws\$252Fsagemaker\$252FTrainingJobs\/log-events/,
    );
  });

  it('ignores data files, placeholders, outside keys and the sample key without any AWS call', async () => {
    for (const key of [
      'datasets/cats/v1/train/cat/0001.jpg',
      'datasets/cats/v1/',
      'models/abc/output/manifest.json',
      'example-key',
      'datasets/cats/v1/train/manifest.json',
    ]) {
      const result = await handler(eventBridgeUpload(key), context);
      assert.equal((result as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome, 'ignored', key);
    }
    assert.equal(s3.calls().length + sagemaker.calls().length + events.calls().length, 0);
  });

  it("decodes classic notification keys: '+' is a space, '%2B' a plus, unicode percent-encoded", async () => {
    await handler(classicUpload('datasets/my+cats/v%2B1/manifest.json'), context);
    await handler(classicUpload('datasets/%E7%8C%AB/2026-01/manifest.json'), context);
    const keys = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key);
    assert.deepEqual(keys, ['datasets/my cats/v+1/manifest.json', 'datasets/猫/2026-01/manifest.json']);
    const creates = sagemaker.commandCalls(CreateTrainingJobCommand).map((call) => call.args[0].input);
    assert.equal(
      creates[0]?.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri,
      's3://gto-datasets/datasets/my cats/v+1/train/',
    );
    assert.match(creates[1]?.TrainingJobName ?? '', /^gto-dataset-[0-9a-f]{12}-1$/);
    for (const request of creates) assertValidSageMakerRequest('CreateTrainingJob', request);
  });

  it('the sample classic notification (Happy%20Face.jpg outside the prefix) is ignored', async () => {
    const event = awsFixture('s3-put-notification.aws-lambda-go.json');
    const result = await handler(event, context);
    assert.deepEqual(result, { status: 'ok', outcomes: [{ outcome: 'ignored', reason: 'other-bucket' }] });
  });

  it('a duplicate delivery names the same job; ResourceInUse means already launched: no second event', async () => {
    const event = eventBridgeUpload('datasets/cats/v1/manifest.json');
    sagemaker
      .on(CreateTrainingJobCommand)
      .resolvesOnce({ TrainingJobArn: 'arn' })
      .rejects(new ResourceInUse({ message: 'Training job names must be unique', $metadata: {} }));
    await handler(event, context);
    const second = await handler(structuredClone(event), context);
    const names = sagemaker
      .commandCalls(CreateTrainingJobCommand)
      .map((call) => call.args[0].input.TrainingJobName);
    assert.equal(names.length, 2);
    assert.equal(names[0], names[1]);
    assert.equal(
      (second as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome,
      'already-launched',
    );
    assert.deepEqual(
      putEventDetails().map((e) => e.detailType),
      ['Training Run Started'],
    );
  });

  it('tags the launched job as announced once Training Run Started is out', async () => {
    sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: JOB_ARN });
    await handler(eventBridgeUpload('datasets/cats/v1/manifest.json'), context);
    assert.deepEqual(
      sagemaker.commandCalls(AddTagsCommand).map((call) => call.args[0].input),
      [{ ResourceArn: JOB_ARN, Tags: [{ Key: 'orchestrator:announced', Value: 'true' }] }],
    );
    assert.equal(events.commandCalls(PutEventsCommand).length, 1);
  });

  it('a retry after PutEvents failed announces the job late, once; a later duplicate stays quiet', async () => {
    const event = eventBridgeUpload('datasets/cats/v12/manifest.json');
    sagemaker
      .on(CreateTrainingJobCommand)
      .resolvesOnce({ TrainingJobArn: JOB_ARN })
      .rejects(new ResourceInUse({ message: 'exists', $metadata: {} }));
    events
      .on(PutEventsCommand)
      .rejectsOnce(new Error('EventBridge unavailable'))
      .resolves({ FailedEntryCount: 0, Entries: [{}] });
    await assert.rejects(handler(event, context), /EventBridge unavailable/);
    assert.equal(sagemaker.commandCalls(AddTagsCommand).length, 0);
    // The refused PutEvents published nothing; EventBridge is back.
    events.reset();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '2' }] });

    // Lambda retries the event a minute or more later: the job exists, untagged.
    sagemaker
      .on(DescribeTrainingJobCommand)
      .resolves({ TrainingJobArn: JOB_ARN, CreationTime: new Date(Date.now() - 120_000) });
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: 'orchestrator:run-id', Value: 'x' }] });
    const retried = await handler(structuredClone(event), context);
    assert.equal((retried as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome, 'launched');
    const started = putEventDetails().filter((e) => e.detailType === 'Training Run Started');
    assert.equal(started.length, 1);
    assert.match(String(started[0]?.detail.reason), /announced late/);
    assert.deepEqual(sagemaker.commandCalls(AddTagsCommand)[0]?.args[0].input.ResourceArn, JOB_ARN);

    // Another delivery now finds the tag.
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: 'orchestrator:announced', Value: 'true' }] });
    const again = await handler(structuredClone(event), context);
    assert.equal(
      (again as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome,
      'already-launched',
    );
    assert.equal(putEventDetails().filter((e) => e.detailType === 'Training Run Started').length, 1);
  });

  it('concurrent duplicate deliveries start one job and announce it once', async () => {
    let created = false;
    sagemaker.on(CreateTrainingJobCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (created) throw new ResourceInUse({ message: 'exists', $metadata: {} });
      created = true;
      return { TrainingJobArn: 'arn' };
    });
    const event = eventBridgeUpload('datasets/cats/v2/manifest.json');
    await Promise.all(Array.from({ length: 5 }, () => handler(structuredClone(event), context)));
    assert.equal(
      new Set(sagemaker.commandCalls(CreateTrainingJobCommand).map((c) => c.args[0].input.TrainingJobName))
        .size,
      1,
    );
    assert.equal(putEventDetails().length, 1);
  });

  it('a new object version of the manifest is a new run', async () => {
    await handler(eventBridgeUpload('datasets/cats/v1/manifest.json', 'version-a'), context);
    await handler(eventBridgeUpload('datasets/cats/v1/manifest.json', 'version-b'), context);
    const names = sagemaker
      .commandCalls(CreateTrainingJobCommand)
      .map((call) => call.args[0].input.TrainingJobName);
    assert.notEqual(names[0], names[1]);
  });

  it('an invalid manifest starts nothing and says why, once, as a final failure', async () => {
    s3.on(GetObjectCommand).callsFake(() =>
      body('{"hyperparameters": {"sagemaker_program": "x"}, "roleArn": "arn:aws:iam::1:role/admin"}'),
    );
    const result = await handler(eventBridgeUpload('datasets/cats/v3/manifest.json'), context);
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
    const outcome = (result as { outcomes: Array<{ outcome: string; code: string }> }).outcomes[0];
    assert.equal(outcome?.outcome, 'rejected');
    assert.equal(outcome?.code, 'InvalidManifest');
    const [failed] = putEventDetails();
    assert.equal(failed?.detailType, 'Training Run Failed');
    assert.equal(failed?.detail.failureClass, 'InvalidManifest');
    assert.match(String(failed?.detail.failureReason), /may not set roleArn/);
    assert.match(
      String(failed?.detail.remedy),
      /No job was started\. Fix datasets\/cats\/v3\/manifest\.json/,
    );
  });

  it('a huge manifest is refused from its Content-Range without reading it', async () => {
    s3.on(GetObjectCommand).resolves({
      ...body('{'.padEnd(65537, ' ')),
      ContentRange: 'bytes 0-65536/50000000',
    });
    const result = await handler(eventBridgeUpload('datasets/cats/v4/manifest.json'), context);
    assert.equal((result as { outcomes: Array<{ code: string }> }).outcomes[0]?.code, 'InvalidManifest');
    assert.match(String(putEventDetails()[0]?.detail.failureReason), /50000000 bytes; the limit is 65536/);
  });

  it('a 1,024-byte key is handled: the too-long S3 URI is a clear final failure, not a SageMaker error', async () => {
    const key = `datasets/cats/${'v'.repeat(1024 - 'datasets/cats//manifest.json'.length)}/manifest.json`;
    const result = await handler(eventBridgeUpload(key), context);
    assert.equal((result as { outcomes: Array<{ code: string }> }).outcomes[0]?.code, 'InvalidDataset');
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
  });

  it('a quota of 0 for the first GPU type moves to the next rung in the same invocation', async () => {
    sagemaker
      .on(CreateTrainingJobCommand)
      .callsFake(async (input: { EnableManagedSpotTraining: boolean }) => {
        if (input.EnableManagedSpotTraining)
          throw new ResourceLimitExceeded({
            message:
              "The account-level service limit 'ml.g5.2xlarge for spot training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please contact AWS support to request an increase for this limit.",
            $metadata: {},
          });
        return { TrainingJobArn: 'arn' };
      });
    await handler(eventBridgeUpload('datasets/cats/v5/manifest.json'), context);
    const requests = sagemaker.commandCalls(CreateTrainingJobCommand).map((call) => call.args[0].input);
    assert.deepEqual(
      requests.map((r) => [r.ResourceConfig?.InstanceType, r.EnableManagedSpotTraining]),
      [
        ['ml.g5.2xlarge', true],
        ['ml.g5.2xlarge', false],
      ],
    );
    const [started] = putEventDetails();
    assert.equal(started?.detailType, 'Training Run Started');
    assert.equal(started?.detail.spot, false);
    assert.match(String(started?.detail.reason), /spot quota .* is 0; trying ml\.g5\.2xlarge on demand/);
  });

  it('an on-demand quota of 0 moves down the ladder; the bottom of the ladder is a final failure', async () => {
    const refuse = (type: string) =>
      new ResourceLimitExceeded({
        message: `The account-level service limit '${type} for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please contact AWS support to request an increase for this limit.`,
        $metadata: {},
      });
    sagemaker
      .on(CreateTrainingJobCommand)
      .callsFake(async (input: { ResourceConfig: { InstanceType: string } }) => {
        throw refuse(input.ResourceConfig.InstanceType);
      });
    const result = await handler(eventBridgeUpload('datasets/cats/v8/manifest.json'), context);
    assert.deepEqual(
      sagemaker
        .commandCalls(CreateTrainingJobCommand)
        .map((c) => [
          c.args[0].input.ResourceConfig?.InstanceType,
          c.args[0].input.EnableManagedSpotTraining,
        ]),
      [
        ['ml.g5.2xlarge', true],
        ['ml.g5.4xlarge', true],
        ['ml.p3.2xlarge', true],
      ],
    );
    assert.equal((result as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome, 'gave-up');
    const details = putEventDetails();
    assert.deepEqual(
      details.map((d) => d.detailType),
      ['Training Run Failed'],
    );
    assert.equal(details[0]?.detail.failureClass, 'ResourceLimitExceeded');
    assert.match(
      String(details[0]?.detail.remedy),
      /Request an increase of the Service Quotas value 'ml\.p3\.2xlarge for training job usage'/,
    );
  });

  it('a quota held by other jobs waits through a one-time schedule, then says so', async () => {
    sagemaker.on(CreateTrainingJobCommand).rejects(
      new ResourceLimitExceeded({
        message:
          "The account-level service limit 'ml.g5.2xlarge for spot training job usage' is 2 Instances, with current utilization of 2 Instances and a request delta of 1 Instances. Please contact AWS support to request an increase for this limit.",
        $metadata: {},
      }),
    );
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await handler(eventBridgeUpload('datasets/cats/v6/manifest.json'), context);
    const schedule = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    assert.ok(schedule);
    assert.match(schedule.Name ?? '', /^gto-cats-[0-9a-f]{12}-1-w1$/);
    assert.equal(schedule.GroupName, 'gto-relaunch');
    assert.match(schedule.ScheduleExpression ?? '', /^at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)$/);
    assert.equal(schedule.ActionAfterCompletion, 'DELETE');
    assert.equal(schedule.Target?.Arn, 'arn:aws:lambda:us-east-1:123456789012:function:gto-relaunchTraining');
    assert.equal(
      schedule.Target?.DeadLetterConfig?.Arn,
      'arn:aws:sqs:us-east-1:123456789012:gto-dead-letters',
    );
    const payload = JSON.parse(schedule.Target?.Input ?? '{}');
    assert.equal(payload.relaunch.quotaWaits, 1);
    assert.equal(payload.relaunch.run.instanceType, 'ml.g5.2xlarge');
    const [retrying] = putEventDetails();
    assert.equal(retrying?.detailType, 'Training Run Retrying');
    assert.equal(retrying?.detail.failureClass, 'ResourceLimitExceeded');
  });

  it('a request SageMaker refuses (ValidationException) is one final failure, not a retry loop', async () => {
    sagemaker.on(CreateTrainingJobCommand).rejects(
      Object.assign(
        new Error('1 validation error detected: Value at trainingImage failed to satisfy constraint'),
        {
          name: 'ValidationException',
          $metadata: {},
        },
      ),
    );
    const result = await handler(eventBridgeUpload('datasets/cats/v9/manifest.json'), context);
    assert.equal((result as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome, 'gave-up');
    const [failed, ...rest] = putEventDetails();
    assert.equal(rest.length, 0);
    assert.equal(failed?.detailType, 'Training Run Failed');
    assert.equal(failed?.detail.failureClass, 'ValidationException');
    assert.match(String(failed?.detail.remedy), /SageMaker rejected the training job request/);
  });

  it('an empty manifest.json (S3 answers the range request with InvalidRange) launches with defaults', async () => {
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('The requested range is not satisfiable'), {
        name: 'InvalidRange',
        $metadata: {},
      }),
    );
    const result = await handler(eventBridgeUpload('datasets/cats/v10/manifest.json'), context);
    assert.equal((result as { outcomes: Array<{ outcome: string }> }).outcomes[0]?.outcome, 'launched');
    assert.deepEqual(sagemaker.commandCalls(CreateTrainingJobCommand)[0]?.args[0].input.HyperParameters, {});
  });

  it('without object versions, each PUT is told apart by its sequencer, duplicates are not', async () => {
    const put = (sequencer: string) => {
      const event = eventBridgeUpload('datasets/cats/v11/manifest.json');
      delete event.detail.object['version-id'];
      (event.detail.object as { sequencer?: string }).sequencer = sequencer;
      return event;
    };
    await handler(put('0061A5B3C2'), context);
    await handler(put('0061A5B3C2'), context);
    await handler(put('0061A5B3F9'), context);
    const names = sagemaker
      .commandCalls(CreateTrainingJobCommand)
      .map((call) => call.args[0].input.TrainingJobName);
    assert.equal(names[0], names[1]);
    assert.notEqual(names[1], names[2]);
  });

  it('rejects an event of the wrong shape with a structured error and no retry', async () => {
    const result = await handler({ hello: 'world' }, context);
    assert.deepEqual(Object.keys(result as object).sort(), ['code', 'message', 'status']);
    assert.equal((result as unknown as { code: string }).code, 'InvalidEvent');
  });

  it('rethrows when PutEvents keeps failing, so the platform retries and dead-letters', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    await assert.rejects(
      handler(eventBridgeUpload('datasets/cats/v7/manifest.json'), context),
      /PutEvents rejected 1 of 1/,
    );
  });
});
