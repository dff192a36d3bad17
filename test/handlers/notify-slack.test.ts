import assert from 'node:assert/strict';
import { beforeEach, describe, it, mock } from 'node:test';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { SAMPLE_DETAILS } from '../support/orchestrator-details';
import { applyTestEnv } from '../support/test-env';

applyTestEnv({ AWS_LAMBDA_FUNCTION_NAME: 'gto-notifySlack' });
const { handler } = await import('../../functions/notify-slack/handler');
const { renderSlackMessage } = await import('../../shared/domain/render-slack-message');
const { SlackWebhookRejectedError } = await import('../../shared/errors');

const ssm = mockClient(SSMClient);
const dynamo = mockClient(DynamoDBClient);
const WEBHOOK = 'https://hooks.slack.com/services/test-workspace/test-channel/not-a-secret';
const lambdaContext = {
  functionName: 'gto-notifySlack',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as never;

const orchestratorEvent = (detailType: keyof typeof SAMPLE_DETAILS, id = 'e-1', overrides = {}) => ({
  version: '0',
  id,
  'detail-type': detailType,
  source: 'gpu-training-orchestrator',
  account: '123456789012',
  time: '2026-01-05T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { ...SAMPLE_DETAILS[detailType], ...overrides },
});

function stubFetch(...responses: Array<() => Response>) {
  const calls: Array<{ url: string; body: unknown }> = [];
  const fetch = mock.method(globalThis, 'fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, body: JSON.parse(String(init.body)) });
    const next = responses[calls.length - 1] ?? responses.at(-1);
    if (!next) throw new Error('no response scripted');
    return next();
  });
  return { calls, restore: () => fetch.mock.restore() };
}

beforeEach(() => {
  ssm.reset();
  dynamo.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/gto/slack-webhook-url', Value: WEBHOOK } });
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(DeleteItemCommand).resolves({});
});

describe('notify-slack handler', () => {
  it('posts one Block Kit message, with the webhook URL read from SSM (decrypted)', async () => {
    const fetch = stubFetch(() => new Response('ok'));
    try {
      const result = await handler(orchestratorEvent('Training Run Failed'), lambdaContext);
      assert.deepEqual(result, {
        status: 'ok',
        outcome: { outcome: 'sent', detailType: 'Training Run Failed', blocks: 6 },
      });
      assert.deepEqual(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input, {
        Name: '/gto/slack-webhook-url',
        WithDecryption: true,
      });
      assert.equal(fetch.calls.length, 1);
      assert.equal(fetch.calls[0]?.url, WEBHOOK);
      assert.deepEqual(
        fetch.calls[0]?.body,
        renderSlackMessage('Training Run Failed', SAMPLE_DETAILS['Training Run Failed']),
      );
      assert.equal(dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.TableName, 'gto-idempotency');
    } finally {
      fetch.restore();
    }
  });

  it('a duplicate (other event id, same type, job and attempt) sends nothing twice', async () => {
    const fetch = stubFetch(() => new Response('ok'));
    try {
      await handler(orchestratorEvent('Model Registered', 'e-1'), lambdaContext);
      const first = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
      const key = first?.Item?.id?.S;
      assert.ok(key?.startsWith('gto-notifySlack#'));
      // The store now holds a COMPLETED record for that key.
      dynamo.on(PutItemCommand).rejects(
        new ConditionalCheckFailedException({
          $metadata: {},
          message: 'The conditional request failed',
          Item: {
            id: { S: key ?? '' },
            status: { S: 'COMPLETED' },
            expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) },
            data: { M: { status: { S: 'ok' }, outcome: { M: { outcome: { S: 'sent' } } } } },
          },
        }),
      );
      const second = await handler(orchestratorEvent('Model Registered', 'e-2'), lambdaContext);
      assert.equal(dynamo.commandCalls(PutItemCommand)[1]?.args[0].input.Item?.id?.S, key);
      assert.deepEqual(second, { status: 'ok', outcome: { outcome: 'sent' } });
      assert.equal(fetch.calls.length, 1);
    } finally {
      fetch.restore();
    }
  });

  it('keys on type, job and attempt: the next attempt is a new message', async () => {
    const fetch = stubFetch(() => new Response('ok'));
    try {
      await handler(orchestratorEvent('Training Run Retrying', 'e-1'), lambdaContext);
      await handler(
        orchestratorEvent('Training Run Retrying', 'e-2', { attempt: 2, jobName: 'gto-cats-0123456789ab-2' }),
        lambdaContext,
      );
      const keys = dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item?.id?.S);
      assert.equal(keys.length, 2);
      assert.notEqual(keys[0], keys[1]);
      assert.equal(fetch.calls.length, 2);
    } finally {
      fetch.restore();
    }
  });

  it('a quota wait, a further wait and a failure retry of one attempt are three messages', async () => {
    const fetch = stubFetch(() => new Response('ok'));
    try {
      const quota = { failureClass: 'ResourceLimitExceeded' };
      await handler(
        orchestratorEvent('Training Run Retrying', 'e-1', { ...quota, quotaWait: 1 }),
        lambdaContext,
      );
      await handler(
        orchestratorEvent('Training Run Retrying', 'e-2', { ...quota, quotaWait: 2 }),
        lambdaContext,
      );
      await handler(
        orchestratorEvent('Training Run Retrying', 'e-3', { failureClass: 'InternalServerError' }),
        lambdaContext,
      );
      const keys = dynamo.commandCalls(PutItemCommand).map((call) => call.args[0].input.Item?.id?.S);
      assert.equal(new Set(keys).size, 3);
      assert.equal(fetch.calls.length, 3);
    } finally {
      fetch.restore();
    }
  });

  it('429 with Retry-After, then 200: one message delivered', async () => {
    const fetch = stubFetch(
      () => new Response('rate_limited', { status: 429, headers: { 'retry-after': '0' } }),
      () => new Response('ok'),
    );
    try {
      const result = await handler(orchestratorEvent('Training Run Succeeded'), lambdaContext);
      assert.equal((result as { outcome: { outcome: string } }).outcome.outcome, 'sent');
      assert.equal(fetch.calls.length, 2);
    } finally {
      fetch.restore();
    }
  });

  it('404 no_service: throws a permanent error so the event is dead-lettered, and releases the record', async () => {
    const fetch = stubFetch(() => new Response('no_service', { status: 404 }));
    try {
      await assert.rejects(handler(orchestratorEvent('Training Run Stopped'), lambdaContext), (error) => {
        assert.ok(error instanceof SlackWebhookRejectedError);
        assert.ok(!error.message.includes(WEBHOOK));
        return true;
      });
      assert.equal(fetch.calls.length, 1);
      assert.equal(dynamo.commandCalls(DeleteItemCommand).length, 1);
    } finally {
      fetch.restore();
    }
  });

  it('acknowledges an event that is not an orchestrator event', async () => {
    const result = await handler({ 'detail-type': 'Something Else', detail: {} }, lambdaContext);
    assert.equal((result as unknown as { code: string }).code, 'InvalidEvent');
  });
});
