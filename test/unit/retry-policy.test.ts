import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFailure } from '../../shared/domain/classify-failure';
import { backoffSeconds, decideRetry, type RetryPolicySettings } from '../../shared/domain/retry-policy';
import type { TrainingRun } from '../../shared/domain/training-run';

const settings: RetryPolicySettings = {
  instanceTypes: ['ml.g5.2xlarge', 'ml.g5.4xlarge', 'ml.p3.2xlarge'],
  maxAttempts: 4,
  maxRuntimeSeconds: 86400,
  spot: { onDemandFallback: true },
  retry: { baseDelaySeconds: 120, maxDelaySeconds: 3600 },
};

const run: TrainingRun = {
  runId: '0123456789ab',
  attempt: 1,
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
  channels: [{ name: 'train', s3Uri: 's3://gto-datasets/datasets/cats/v1/train/', inputMode: 'File' }],
};

const failed = (failureReason: string, status: 'Failed' | 'Stopped' = 'Failed', secondaryStatus?: string) =>
  classifyFailure({ status, failureReason, secondaryStatus });
const half = () => 0.5;

describe('backoffSeconds (full jitter)', () => {
  it('draws from [0, base * 2^(attempt-1)) capped, floored at a minute', () => {
    assert.equal(
      backoffSeconds(settings, 1, () => 0.999),
      119,
    );
    assert.equal(backoffSeconds(settings, 3, half), 240);
    assert.equal(
      backoffSeconds(settings, 10, () => 0.999),
      3596,
    );
    assert.equal(
      backoffSeconds(settings, 1, () => 0),
      60,
    );
  });
});

describe('decideRetry', () => {
  it('CapacityError: next type on the ladder, now, same spot setting', () => {
    const decision = decideRetry(settings, run, failed('CapacityError: Unable to provision'), half);
    assert.equal(decision.action, 'relaunch');
    assert.ok(decision.action === 'relaunch');
    assert.deepEqual(decision.run, { ...run, attempt: 2, instanceType: 'ml.g5.4xlarge' });
    assert.equal(decision.delaySeconds, 0);
  });

  it('CapacityError at the bottom of the ladder is final', () => {
    const decision = decideRetry(
      settings,
      { ...run, attempt: 3, instanceType: 'ml.p3.2xlarge' },
      failed('CapacityError: x'),
      half,
    );
    assert.equal(decision.action, 'give-up');
    assert.ok(decision.action === 'give-up');
    assert.equal(decision.status, 'Failed');
    assert.match(decision.remedy, /last type on the ladder/);
  });

  it('InternalServerError: same spec after jittered backoff', () => {
    const decision = decideRetry(settings, { ...run, attempt: 2 }, failed('InternalServerError: x'), half);
    assert.ok(decision.action === 'relaunch');
    assert.deepEqual(decision.run, { ...run, attempt: 3 });
    assert.equal(decision.delaySeconds, 120);
  });

  it('MaxWaitTimeExceeded: on demand when allowed, else the next rung', () => {
    const spot = decideRetry(settings, run, failed('', 'Stopped', 'MaxWaitTimeExceeded'), half);
    assert.ok(spot.action === 'relaunch');
    assert.deepEqual(spot.run, { ...run, attempt: 2, spot: false });
    const noFallback = decideRetry(
      { ...settings, spot: { onDemandFallback: false } },
      run,
      failed('', 'Stopped', 'MaxWaitTimeExceeded'),
      half,
    );
    assert.ok(noFallback.action === 'relaunch');
    assert.deepEqual(noFallback.run, { ...run, attempt: 2, instanceType: 'ml.g5.4xlarge' });
  });

  it('MaxRuntimeExceeded, user code, OOM and a person stopping are final with a remedy', () => {
    const runtime = decideRetry(settings, run, failed('', 'Stopped', 'MaxRuntimeExceeded'), half);
    assert.ok(runtime.action === 'give-up');
    assert.equal(runtime.status, 'Stopped');
    assert.match(runtime.remedy, /MAX_RUNTIME_SECONDS.*fewer epochs/);
    const oom = decideRetry(
      settings,
      run,
      failed('AlgorithmError: ExecuteUserScriptError: ExitCode 137'),
      half,
    );
    assert.ok(oom.action === 'give-up');
    assert.match(oom.remedy, /out of memory.*batch_size.*more memory/);
    const code = decideRetry(settings, run, failed('AlgorithmError: ValueError: bad label'), half);
    assert.ok(code.action === 'give-up');
    assert.match(code.remedy, /CloudWatch Logs/);
    const client = decideRetry(settings, run, failed('ClientError: Data download failed'), half);
    assert.ok(client.action === 'give-up');
    assert.match(client.remedy, /rejected the job input/);
    const user = decideRetry(settings, run, failed('', 'Stopped', 'Stopped'), half);
    assert.ok(user.action === 'give-up');
    assert.equal(user.status, 'Stopped');
    const unknown = decideRetry(settings, run, failed('Weird: new'), half);
    assert.ok(unknown.action === 'give-up');
    assert.equal(unknown.status, 'Failed');
  });

  it('out of attempts is final and names the last reason', () => {
    const decision = decideRetry(
      settings,
      { ...run, attempt: 4 },
      failed('InternalServerError: We encountered an internal error.  Please try again.'),
      half,
    );
    assert.ok(decision.action === 'give-up');
    assert.match(decision.remedy, /Out of attempts \(4 of 4\).*InternalServerError: We encountered/);
  });
});
