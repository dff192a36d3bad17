import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DETAIL_TYPES } from '../../shared/domain/orchestrator-events';
import { rebuildRun } from '../../shared/domain/rebuild-run';
import { renderSlackMessage } from '../../shared/domain/render-slack-message';
import { TAG } from '../../shared/domain/training-run';
import { notificationIdempotency } from '../../shared/middleware/notification-idempotency';
import { notifySlack } from '../../shared/use-cases/notify-slack';
import type { SlackMessage } from '../../shared/use-cases/ports';
import { SAMPLE_DETAILS } from '../support/orchestrator-details';
import { describeJob, ourTags } from '../support/training-job-events';

const settings = {
  jobNamePrefix: 'gto',
  datasetsBucket: 'gto-datasets',
  datasetsPrefix: 'datasets',
  inputMode: 'File' as const,
};
const tagMap = (tags: Array<{ Key: string; Value: string }>) =>
  Object.fromEntries(tags.map((t) => [t.Key, t.Value]));

describe('rebuildRun', () => {
  it('rebuilds the attempt from DescribeTrainingJob and the tags', () => {
    const result = rebuildRun(
      settings,
      describeJob({ attempt: 2, instanceType: 'ml.g5.4xlarge', spot: false }),
      tagMap(ourTags(2)),
    );
    assert.ok(result.ours);
    assert.equal(result.run.attempt, 2);
    assert.equal(result.run.instanceType, 'ml.g5.4xlarge');
    assert.equal(result.run.spot, false);
    assert.equal(result.run.datasetVersion.versionRoot, 'datasets/cats/v1/');
    assert.deepEqual(result.run.hyperparameters, { epochs: '5', batch_size: '64' });
  });

  it('falls back to the tags when the channels are elsewhere, and refuses jobs that are not ours', () => {
    const job = describeJob();
    for (const channel of job.InputDataConfig ?? [])
      if (channel.DataSource?.S3DataSource) channel.DataSource.S3DataSource.S3Uri = 's3://elsewhere/x/';
    const fromTags = rebuildRun(settings, job, tagMap(ourTags()));
    assert.ok(fromTags.ours);
    assert.equal(fromTags.run.datasetVersion.bucket, 'gto-datasets');
    assert.deepEqual(rebuildRun(settings, describeJob(), {}), { ours: false, reason: 'not-managed-by-us' });
    const tags = tagMap(ourTags());
    delete tags[TAG.datasetUri];
    assert.deepEqual(rebuildRun(settings, job, tags), { ours: false, reason: 'no-dataset' });
    assert.deepEqual(rebuildRun({ ...settings, jobNamePrefix: 'other' }, describeJob(), tagMap(ourTags())), {
      ours: false,
      reason: 'not-our-name',
    });
  });
});

describe('notifySlack use case', () => {
  it('log-only mode: renders and logs the payload, sends nothing', async () => {
    const logged: SlackMessage[] = [];
    const outcome = await notifySlack(
      {
        webhookUrl: async () => undefined,
        slack: { send: async () => assert.fail('must not send') },
        logOnly: (message) => logged.push(message),
      },
      { detailType: DETAIL_TYPES.skipped, time: undefined, detail: SAMPLE_DETAILS[DETAIL_TYPES.skipped] },
    );
    assert.equal(outcome.outcome, 'logged');
    assert.deepEqual(logged, [
      renderSlackMessage(DETAIL_TYPES.skipped, SAMPLE_DETAILS[DETAIL_TYPES.skipped]),
    ]);
  });

  it('no idempotency table: no idempotency middleware', () => {
    assert.deepEqual(notificationIdempotency(undefined, new DynamoDBClient({})), []);
    assert.equal(notificationIdempotency('gto-idempotency', new DynamoDBClient({})).length, 1);
  });
});

describe('notification idempotency store', () => {
  it('writes Powertools records with the conditional put', async () => {
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(PutItemCommand).resolves({});
    const store = new DynamoDBPersistenceLayer({
      tableName: 'gto-idempotency',
      awsSdkV3Client: new DynamoDBClient({}),
    });
    store.configure({ config: new IdempotencyConfig({}), functionName: 'fn' });
    await store.saveInProgress({ a: 1 }, 10_000);
    const input = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input;
    assert.equal(input?.TableName, 'gto-idempotency');
    assert.match(String(input?.Item?.id?.S), /fn#/);
    assert.equal(input?.Item?.status?.S, 'INPROGRESS');
    assert.match(String(input?.ConditionExpression), /^attribute_not_exists\(#id\) OR #expiry < :now/);
    dynamo.restore();
  });
});
