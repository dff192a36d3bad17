import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobResponse,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { awsFixture } from '../support/aws-fixtures';
import { assertEveryRequestValid, assertValidSageMakerRequest } from '../support/sagemaker-model';
import { applyTestEnv } from '../support/test-env';
import { describeJob, jobArn, jobName, ourTags, RUN_ID, stateChange } from '../support/training-job-events';

applyTestEnv();
const { handler } = await import('../../functions/register-model/handler');
const { clientToken } = await import('../../shared/domain/build-model-package');
const { jobLinks } = await import('../../shared/domain/orchestrator-events');

const sagemaker = mockClient(SageMakerClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const context = {} as never;

const JOB = jobName(2);
const MODEL = `s3://gto-artifacts/models/${RUN_ID}/${JOB}/output/model.tar.gz`;
const REPORT = `s3://gto-artifacts/models/${RUN_ID}/${JOB}/output/metrics-report.json`;
const PACKAGE_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/gto-models/7';

const completedJob = (accuracy = 0.93): DescribeTrainingJobResponse => ({
  ...describeJob({ attempt: 2, status: 'Completed', instanceType: 'ml.g5.4xlarge', spot: true }),
  FinalMetricDataList: [
    { MetricName: 'validation:accuracy', Value: accuracy, Timestamp: new Date() },
    { MetricName: 'validation:loss', Value: 0.21, Timestamp: new Date() },
    { MetricName: 'epoch', Value: 10, Timestamp: new Date() },
  ],
  TrainingTimeInSeconds: 3600,
  BillableTimeInSeconds: 1080,
  ModelArtifacts: { S3ModelArtifacts: MODEL },
});

const published = () =>
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
  events
    .on(PutEventsCommand)
    .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] });
  s3.on(PutObjectCommand).resolves({});
  sagemaker.on(DescribeTrainingJobCommand).resolves(completedJob());
  sagemaker.on(ListTagsCommand).resolves({ Tags: ourTags(2) });
  sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: PACKAGE_ARN });
});

describe('register-model handler', () => {
  it('writes the metrics report, registers a version and announces success with cost and savings', async () => {
    const result = await handler(stateChange({ attempt: 2, status: 'Completed' }), context);
    assert.deepEqual(result, {
      status: 'ok',
      outcome: {
        outcome: 'registered',
        jobName: JOB,
        modelPackageArn: PACKAGE_ARN,
        approvalStatus: 'Approved',
      },
    });

    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    assert.equal(put?.Bucket, 'gto-artifacts');
    assert.equal(put?.Key, `models/${RUN_ID}/${JOB}/output/metrics-report.json`);
    assert.equal(put?.ContentType, 'application/json');
    assert.deepEqual(JSON.parse(String(put?.Body)), {
      version: 0,
      multiclass_classification_metrics: { accuracy: { value: 0.93, standard_deviation: 'NaN' } },
      metrics: { 'validation:accuracy': 0.93, 'validation:loss': 0.21, epoch: 10 },
      training_job: { name: JOB, run_id: RUN_ID, attempt: 2, training_seconds: 3600, billable_seconds: 1080 },
    });

    const request = sagemaker.commandCalls(CreateModelPackageCommand)[0]?.args[0].input;
    assert.deepEqual(request, {
      ModelPackageGroupName: 'gto-models',
      ModelPackageDescription: `Trained by ${JOB} on cats version v1`,
      InferenceSpecification: {
        Containers: [
          {
            Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/resnet-trainer:abc123',
            ModelDataUrl: MODEL,
          },
        ],
        SupportedContentTypes: ['application/x-image', 'image/jpeg', 'image/png'],
        SupportedResponseMIMETypes: ['application/json'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.g5.xlarge', 'ml.g4dn.xlarge'],
      },
      ModelApprovalStatus: 'Approved',
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: REPORT } } },
      MetadataProperties: { GeneratedBy: jobArn(JOB) },
      CustomerMetadataProperties: {
        'dataset-uri': 's3://gto-datasets/datasets/cats/v1/',
        dataset: 'cats',
        'dataset-version': 'v1',
        'training-job': JOB,
        'run-id': RUN_ID,
        trigger: 'dataset-upload',
        attempt: '2',
        'instance-type': 'ml.g5.4xlarge',
        'metric:validation:accuracy': '0.93',
      },
      ClientToken: clientToken(JOB),
    });
    assertValidSageMakerRequest('CreateModelPackage', request);

    const context2 = {
      runId: RUN_ID,
      jobName: JOB,
      attempt: 2,
      maxAttempts: 3,
      trigger: 'dataset-upload',
      dataset: { name: 'cats', version: 'v1', uri: 's3://gto-datasets/datasets/cats/v1/' },
      instanceType: 'ml.g5.4xlarge',
      instanceCount: 1,
      spot: true,
      links: jobLinks('us-east-1', JOB),
    };
    assert.deepEqual(published(), [
      {
        detailType: 'Model Registered',
        detail: {
          ...context2,
          modelPackageArn: PACKAGE_ARN,
          modelPackageGroupName: 'gto-models',
          modelPackageVersion: 7,
          approvalStatus: 'Approved',
          approvalMetric: 'validation:accuracy',
          approvalMetricValue: 0.93,
          approvalThreshold: 0.9,
          modelDataUrl: MODEL,
        },
      },
      {
        detailType: 'Training Run Succeeded',
        detail: {
          ...context2,
          metrics: { 'validation:accuracy': 0.93, 'validation:loss': 0.21, epoch: 10 },
          trainingSeconds: 3600,
          billableSeconds: 1080,
          spotSavings: 0.7,
          // 1080 s x $2.03/h (ml.g5.4xlarge) x 1.
          estimatedCostUsd: 0.61,
          modelArtifacts: MODEL,
          modelPackageArn: PACKAGE_ARN,
          modelPackageVersion: 7,
          approvalStatus: 'Approved',
        },
      },
    ]);
  });

  it('leaves a model below the threshold for a person (PendingManualApproval)', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(completedJob(0.85));
    await handler(stateChange({ attempt: 2, status: 'Completed' }), context);
    const request = sagemaker.commandCalls(CreateModelPackageCommand)[0]?.args[0].input;
    assert.equal(request?.ModelApprovalStatus, 'PendingManualApproval');
  });

  it('two identical Completed events register with one ClientToken, so SageMaker keeps one version', async () => {
    const event = stateChange({ attempt: 2, status: 'Completed' });
    await handler(event, context);
    await handler(structuredClone(event), context);
    const tokens = sagemaker
      .commandCalls(CreateModelPackageCommand)
      .map((call) => call.args[0].input.ClientToken);
    assert.equal(tokens.length, 2);
    assert.equal(tokens[0], tokens[1]);
    // Same package, same event keys: the notifier's idempotency key sends one message.
    const registered = published().filter((e) => e.detailType === 'Model Registered');
    assert.deepEqual(registered[0], registered[1]);
  });

  it('CreateModelPackage throttled: rethrown, and the platform retry uses the same token', async () => {
    sagemaker
      .on(CreateModelPackageCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ ModelPackageArn: PACKAGE_ARN });
    const event = stateChange({ attempt: 2, status: 'Completed' });
    await assert.rejects(handler(event, context), /Rate exceeded/);
    assert.equal(published().length, 0);
    await handler(event, context);
    const tokens = sagemaker
      .commandCalls(CreateModelPackageCommand)
      .map((call) => call.args[0].input.ClientToken);
    assert.deepEqual(tokens, [clientToken(JOB), clientToken(JOB)]);
    assert.equal(published().length, 2);
  });

  it('a Completed arriving before any InProgress event is handled the same (state comes from Describe)', async () => {
    const event = stateChange({ attempt: 2, status: 'Completed' });
    (event.detail as Record<string, unknown>).SecondaryStatusTransitions = [];
    (event.detail as Record<string, unknown>).TrainingEndTime = 1767607200000;
    const result = await handler(event, context);
    assert.equal((result as { outcome: { outcome: string } }).outcome.outcome, 'registered');
  });

  it('ignores the AWS sample event (not our job name) and jobs without our managed-by tag', async () => {
    const sample = await handler(awsFixture('sagemaker-state-change-completed.awsdocs.json'), context);
    assert.equal((sample as { outcome: { reason: string } }).outcome.reason, 'not-our-name');
    sagemaker.on(ListTagsCommand).resolves({ Tags: [{ Key: 'team', Value: 'x' }] });
    const foreign = await handler(stateChange({ attempt: 2, status: 'Completed' }), context);
    assert.equal((foreign as { outcome: { reason: string } }).outcome.reason, 'not-managed-by-us');
    assert.equal(sagemaker.commandCalls(CreateModelPackageCommand).length, 0);
    assert.equal(s3.commandCalls(PutObjectCommand).length, 0);
  });

  it('ignores Failed events (the retry function owns them)', async () => {
    const result = await handler(stateChange({ attempt: 2, status: 'Failed' }), context);
    assert.equal((result as { outcome: { reason: string } }).outcome.reason, 'not-completed');
  });
});
