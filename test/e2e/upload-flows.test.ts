import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { runScenario, type ScenarioResult } from '../../local/scenario';
import type { AwsEvent } from '../../local/stand-ins/event-bridge';

const TIMEOUT = { timeout: 180_000 };
const slackText = (result: ScenarioResult): string[] =>
  result.slackPosts.map((post) => JSON.stringify(post.payload));

describe('local mode: dataset upload and schedule flows', () => {
  let stack: LocalStack;
  let happy: ScenarioResult;

  before(async () => {
    stack = await startLocalStack({
      stateDir: join(process.cwd(), '.local', 'e2e', `upload-flows-${Date.now()}`),
      scheduledDataset: 'shapes',
    });
  });
  after(async () => {
    // Keeps the logs under .local/e2e/ for a failed run; the models and buckets are hundreds of MB.
    await stack?.stop({ removeData: true });
  });

  it('a dataset drop trains once, registers a model version and posts to Slack', TIMEOUT, async () => {
    happy = await runScenario(stack, {
      dataset: 'shapes',
      version: 'v1',
      epochs: 1,
      perClassTrain: 6,
      perClassValidation: 2,
    });

    assert.equal(happy.outcome, 'registered', JSON.stringify(happy.deadLetters));
    assert.equal(happy.createTrainingJobCalls, 1);
    assert.equal(happy.jobs.length, 1);
    const [job] = happy.jobs;
    assert.equal(job?.status, 'Completed');
    assert.equal(job?.instanceType, stack.template.environment.INSTANCE_TYPES?.split(',')[0]);
    assert.ok(
      job?.metrics['validation:accuracy'] !== undefined,
      'FinalMetricDataList has validation:accuracy',
    );
    assert.equal(happy.modelVersions.length, 1);
    assert.equal(happy.modelVersions[0]?.group, stack.template.environment.MODEL_PACKAGE_GROUP);
    const artifacts = job?.modelArtifacts ?? '';
    const [, bucket = '', key = ''] = /^s3:\/\/([^/]+)\/(.+)$/.exec(artifacts) ?? [];
    await stack.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.deepEqual(happy.orchestratorEvents.map((event) => event.detailType).sort(), [
      'Model Registered',
      'Training Run Started',
      'Training Run Succeeded',
    ]);
    assert.equal(
      happy.slackPosts.length,
      happy.orchestratorEvents.length,
      'one Slack message per orchestrator event',
    );
    assert.ok(
      slackText(happy).every((text) => text.includes(job?.name ?? '?')),
      'every message names the job',
    );
    assert.deepEqual(happy.deadLetters, []);
  });

  it(
    'a duplicated state-change event sends no second message and registers no second version',
    TIMEOUT,
    async () => {
      const completed = happy.events.find(
        (published) =>
          published.event['detail-type'] === 'SageMaker Training Job State Change' &&
          published.event.detail.TrainingJobStatus === 'Completed',
      )?.event as AwsEvent;
      assert.ok(completed, 'the happy run emitted a Completed event');
      const packages = stack.sagemaker.modelPackages.length;
      const posts = stack.slack.posts.length;

      stack.redeliver(completed);
      await stack.waitForIdle();

      const registerCalls = stack.lambdas.invocations.filter(
        (invocation) => invocation.function === 'registerModel',
      );
      assert.equal(registerCalls.length, 2, 'the duplicate reached the register function');
      assert.equal(stack.sagemaker.modelPackages.length, packages);
      assert.equal(stack.slack.posts.length, posts);
      assert.deepEqual(stack.lambdas.deadLetters, []);
    },
  );

  it('200 files uploaded for one dataset version start one job', TIMEOUT, async () => {
    const many = await runScenario(stack, {
      dataset: 'shapes',
      version: 'v2',
      epochs: 1,
      perClassTrain: 53,
      perClassValidation: 14,
    });

    assert.ok(many.filesUploaded >= 200, `${many.filesUploaded} files uploaded`);
    const created = many.events.filter(
      (published) =>
        published.event['detail-type'] === 'Object Created' &&
        String((published.event.detail.object as { key: string }).key).includes('/shapes/v2/'),
    );
    assert.equal(created.length, many.filesUploaded);
    assert.equal(
      created.filter((published) => published.targets.length > 0).length,
      1,
      'only manifest.json is routed',
    );
    assert.equal(many.createTrainingJobCalls, 1);
    assert.equal(many.jobs.length, 1);
    assert.equal(many.outcome, 'registered');
  });

  it('a scheduled retrain starts one job for the newest version, once per slot', TIMEOUT, async () => {
    const slot = new Date('2026-01-05T03:00:00Z');
    const first = await runScenario(stack, { trigger: 'schedule', slot });
    const again = await runScenario(stack, { trigger: 'schedule', slot });

    assert.equal(first.jobs.length, 1);
    assert.equal(first.outcome, 'registered');
    const request = stack.sagemaker.jobs.get(first.jobs[0]?.name ?? '')?.request as {
      Tags: { Key: string; Value: string }[];
      InputDataConfig: { DataSource: { S3DataSource: { S3Uri: string } } }[];
    };
    assert.ok(
      request.Tags.some((tag) => tag.Value === 'schedule'),
      'tagged with the schedule trigger',
    );
    assert.match(request.InputDataConfig[0]?.DataSource.S3DataSource.S3Uri ?? '', /\/shapes\/v2\//);
    assert.equal(again.jobs.length, 0, 'the same slot delivered twice starts no second job');
    assert.deepEqual([...first.deadLetters, ...again.deadLetters], []);
  });
});
