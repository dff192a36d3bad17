import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { runScenario } from '../../local/scenario';
import { FAILURE_TEXT } from '../../local/stand-ins/sagemaker';

const TIMEOUT = { timeout: 180_000 };

describe('local mode: failures and retries', () => {
  let stack: LocalStack;
  let ladder: string[];

  before(async () => {
    stack = await startLocalStack({
      stateDir: join(process.cwd(), '.local', 'e2e', `failure-flows-${Date.now()}`),
    });
    ladder = (stack.template.environment.INSTANCE_TYPES ?? '').split(',');
  });
  after(async () => {
    // Keeps the logs under .local/e2e/ for a failed run; the models and buckets are hundreds of MB.
    await stack?.stop({ removeData: true });
  });

  it('a capacity error moves to the next instance type, which trains and registers', TIMEOUT, async () => {
    const result = await runScenario(stack, {
      dataset: 'capacity',
      version: 'v1',
      simulate: 'capacity-error',
      epochs: 1,
      perClassTrain: 6,
      perClassValidation: 2,
    });

    assert.deepEqual(
      result.jobs.map((job) => [job.status, job.instanceType]),
      [
        ['Failed', ladder[0]],
        ['Completed', ladder[1]],
      ],
    );
    assert.equal(result.jobs[0]?.failureReason, FAILURE_TEXT.capacity);
    assert.ok(result.orchestratorEvents.some((event) => event.detailType === 'Training Run Retrying'));
    assert.equal(result.outcome, 'registered');
    assert.deepEqual(result.deadLetters, []);
  });

  it('an algorithm error ends the run with one final failure message and no retry', TIMEOUT, async () => {
    const result = await runScenario(stack, {
      dataset: 'oom',
      version: 'v1',
      simulate: 'algorithm-error',
      epochs: 1,
      perClassTrain: 6,
      perClassValidation: 2,
    });

    assert.equal(result.createTrainingJobCalls, 1);
    assert.equal(result.jobs[0]?.status, 'Failed');
    assert.equal(result.jobs[0]?.failureReason, FAILURE_TEXT.exitCode137);
    assert.equal(
      result.orchestratorEvents.filter((event) => event.detailType === 'Training Run Failed').length,
      1,
    );
    const failureMessages = result.slackPosts.filter((post) =>
      JSON.stringify(post.payload).includes('ExitCode 137'),
    );
    assert.equal(failureMessages.length, 1);
    assert.equal(result.modelVersions.length, 0);
    assert.equal(result.outcome, 'final-failure');
    assert.deepEqual(result.deadLetters, []);
  });

  it(
    'spot capacity that never came (MaxWaitTimeExceeded) retries the same type on demand',
    TIMEOUT,
    async () => {
      const result = await runScenario(stack, {
        dataset: 'spot',
        version: 'v1',
        simulate: 'spot-maxwait',
        epochs: 1,
        perClassTrain: 6,
        perClassValidation: 2,
      });

      assert.deepEqual(
        result.jobs.map((job) => [job.status, job.secondaryStatus, job.instanceType, job.spot]),
        [
          ['Stopped', 'MaxWaitTimeExceeded', ladder[0], true],
          ['Completed', 'Completed', ladder[0], false],
        ],
      );
      assert.equal(result.outcome, 'registered');
    },
  );

  it('an internal error retries the same spec after a durable (scheduler) backoff', TIMEOUT, async () => {
    const schedules = stack.scheduler.created.length;
    const result = await runScenario(stack, {
      dataset: 'internal',
      version: 'v1',
      simulate: 'internal-error',
      epochs: 1,
      perClassTrain: 6,
      perClassValidation: 2,
    });

    assert.equal(result.jobs[0]?.failureReason, FAILURE_TEXT.internal);
    assert.equal(stack.scheduler.created.length, schedules + 1, 'one one-time schedule');
    assert.ok(result.invocations.some((invocation) => invocation.function === 'relaunchTraining'));
    assert.deepEqual(
      result.jobs.map((job) => [job.status, job.instanceType]),
      [
        ['Failed', ladder[0]],
        ['Completed', ladder[0]],
      ],
    );
    assert.equal(result.outcome, 'registered');
  });

  it('the SageMaker stand-in rejects a request that breaks the API model, as SageMaker does', async () => {
    const client = new SageMakerClient({
      endpoint: stack.endpoints.AWS_ENDPOINT_URL_SAGEMAKER,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await assert.rejects(
      client.send(
        new CreateTrainingJobCommand({
          TrainingJobName: 'not_valid',
          AlgorithmSpecification: { TrainingImage: 'image', TrainingInputMode: 'File' },
          RoleArn: 'arn:aws:iam::123456789012:role/r',
          OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
          ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 0 },
          StoppingCondition: { MaxRuntimeInSeconds: 60 },
        }),
      ),
      (error: Error) => {
        assert.equal(error.name, 'ValidationException');
        assert.match(error.message, /TrainingJobName/);
        assert.match(error.message, /VolumeSizeInGB/);
        return true;
      },
    );
    client.destroy();
  });
});
