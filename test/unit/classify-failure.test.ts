import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFailure } from '../../shared/domain/classify-failure';

// FailureReason texts from ../shared/fixtures/aws-events/SOURCES.md.
const CAPACITY =
  'CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type.';
const INTERNAL = 'InternalServerError: We encountered an internal error.  Please try again.';
const OOM = 'AlgorithmError: ExecuteUserScriptError: ExitCode 137';

describe('classifyFailure', () => {
  it('reads the class from the FailureReason prefix', () => {
    assert.deepEqual(classifyFailure({ status: 'Failed', failureReason: CAPACITY }), {
      failureClass: 'CapacityError',
      reason: CAPACITY,
      outOfMemory: false,
    });
    assert.equal(
      classifyFailure({ status: 'Failed', failureReason: INTERNAL }).failureClass,
      'InternalServerError',
    );
    assert.equal(
      classifyFailure({ status: 'Failed', failureReason: 'ClientError: Data download failed' }).failureClass,
      'ClientError',
    );
  });

  it('flags exit code 137 as out of memory', () => {
    assert.deepEqual(classifyFailure({ status: 'Failed', failureReason: OOM }), {
      failureClass: 'AlgorithmError',
      reason: OOM,
      outOfMemory: true,
    });
  });

  it('uses the secondary status (or a transition) for stopping conditions', () => {
    const wait = classifyFailure({ status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded' });
    assert.equal(wait.failureClass, 'MaxWaitTimeExceeded');
    assert.match(wait.reason, /Spot capacity did not become available/);
    assert.equal(
      classifyFailure({
        status: 'Stopped',
        secondaryStatus: 'Stopped',
        transitions: ['Starting', 'MaxRuntimeExceeded'],
      }).failureClass,
      'MaxRuntimeExceeded',
    );
    assert.equal(
      classifyFailure({ status: 'Failed', secondaryStatus: 'MaxWaitTimeExceeded', failureReason: INTERNAL })
        .failureClass,
      'MaxWaitTimeExceeded',
    );
  });

  it('treats a plain Stopped as stopped by a person and anything else as unknown', () => {
    assert.equal(
      classifyFailure({ status: 'Stopped', secondaryStatus: 'Stopped' }).failureClass,
      'StoppedByUser',
    );
    const unknown = classifyFailure({ status: 'Failed', failureReason: 'Something new went wrong' });
    assert.equal(unknown.failureClass, 'Unknown');
    assert.equal(unknown.reason, 'Something new went wrong');
    assert.match(classifyFailure({ status: 'Failed' }).reason, /without a FailureReason/);
  });
});
