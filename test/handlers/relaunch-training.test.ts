import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateTrainingJobCommand, ResourceInUse, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { assertEveryRequestValid, assertValidSageMakerRequest } from '../support/sagemaker-model';
import { applyTestEnv } from '../support/test-env';

applyTestEnv();
const { handler } = await import('../../functions/relaunch-training/handler');

const sagemaker = mockClient(SageMakerClient);
const events = mockClient(EventBridgeClient);
const context = {} as never;

/** What a one-time schedule delivers after a backoff: the attempt to launch. */
const relaunchPayload = () => ({
  relaunch: {
    run: {
      runId: '0123456789ab',
      attempt: 2,
      trigger: 'dataset-upload',
      datasetVersion: {
        bucket: 'gto-datasets',
        dataset: 'cats',
        version: 'v1',
        versionRoot: 'datasets/cats/v1/',
        manifestKey: 'datasets/cats/v1/manifest.json',
      },
      instanceType: 'ml.g5.2xlarge',
      spot: true,
      hyperparameters: { epochs: '5' },
      channels: [
        { name: 'train', s3Uri: 's3://gto-datasets/datasets/cats/v1/train/', inputMode: 'File' },
        { name: 'validation', s3Uri: 's3://gto-datasets/datasets/cats/v1/validation/', inputMode: 'File' },
      ],
    },
    reason: 'retry of attempt 1 after InternalServerError',
    failureClass: 'InternalServerError',
    quotaWaits: 0,
  },
});

// Every request a test produced must pass the official SageMaker API model's constraints.
afterEach(() => assertEveryRequestValid(sagemaker as never));

beforeEach(() => {
  sagemaker.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn' });
});

describe('relaunch-training handler', () => {
  it('launches the attempt the schedule carries, once, however often the schedule fires', async () => {
    sagemaker
      .on(CreateTrainingJobCommand)
      .resolvesOnce({ TrainingJobArn: 'arn' })
      .rejects(new ResourceInUse({ message: 'exists', $metadata: {} }));
    await handler(relaunchPayload(), context);
    await handler(relaunchPayload(), context);
    const requests = sagemaker.commandCalls(CreateTrainingJobCommand).map((call) => call.args[0].input);
    assert.equal(requests[0]?.TrainingJobName, 'gto-cats-0123456789ab-2');
    assert.equal(requests[1]?.TrainingJobName, 'gto-cats-0123456789ab-2');
    assert.deepEqual(requests[0]?.HyperParameters, { epochs: '5' });
    assert.deepEqual(
      requests[0]?.Tags?.find((tag) => tag.Key === 'orchestrator:attempt'),
      { Key: 'orchestrator:attempt', Value: '2' },
    );
    assertValidSageMakerRequest('CreateTrainingJob', requests[0]);
    const started = events.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    assert.equal(started.length, 1);
    assert.equal(
      JSON.parse(started[0]?.Detail ?? '{}').reason,
      'retry of attempt 1 after InternalServerError',
    );
  });

  it('rejects a malformed payload without retrying it', async () => {
    const payload = relaunchPayload();
    payload.relaunch.run.runId = 'not-a-run-id';
    const result = await handler(payload, context);
    assert.equal((result as unknown as { code: string }).code, 'InvalidEvent');
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
  });
});
