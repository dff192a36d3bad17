import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventError } from '../../shared/errors';
import { parseEventTime, parseTrainingJobStateChange } from '../../shared/events/training-job-state-change';
import { awsFixture } from '../support/aws-fixtures';

type StateChange = { detail: Record<string, unknown> };
const completed = () => awsFixture<StateChange>('sagemaker-state-change-completed.awsdocs.json');

describe('parseTrainingJobStateChange', () => {
  it('reads the AWS sample Completed event (times as strings of epoch ms, Tags an object)', () => {
    const change = parseTrainingJobStateChange(completed());
    assert.deepEqual(change, {
      jobName: '89c96cc8-dded-4739-afcc-6f1dc936701d',
      jobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/kmeans-1',
      status: 'Completed',
      secondaryStatus: 'Completed',
      failureReason: undefined,
      transitions: [],
      endTime: new Date(1583831889050),
      tags: {},
    });
  });

  it('tolerates numbers, ISO times, tag lists, transitions and extra fields', () => {
    const event = completed();
    Object.assign(event.detail, {
      TrainingJobStatus: 'Stopped',
      SecondaryStatus: 'MaxWaitTimeExceeded',
      TrainingEndTime: 1583831889050,
      LastModifiedTime: '2020-03-10T09:18:09.050Z',
      SecondaryStatusTransitions: [
        { Status: 'Starting', StartTime: 1583831889050 },
        { Status: 'MaxWaitTimeExceeded' },
      ],
      Tags: [{ Key: 'orchestrator:run-id', Value: '0123456789ab' }],
      SomethingNew: { nested: true },
    });
    const change = parseTrainingJobStateChange(event);
    assert.equal(change.status, 'Stopped');
    assert.deepEqual(change.transitions, ['Starting', 'MaxWaitTimeExceeded']);
    assert.deepEqual(change.tags, { 'orchestrator:run-id': '0123456789ab' });
    assert.deepEqual(change.endTime, new Date(1583831889050));
  });

  it('rejects other events with a structured error', () => {
    assert.throws(
      () => parseTrainingJobStateChange(awsFixture('sagemaker-model-package-state-change.awsdocs.json')),
      InvalidEventError,
    );
  });

  it('parses epoch-ms numbers, digit strings and ISO text', () => {
    assert.deepEqual(parseEventTime('1583831889050'), new Date(1583831889050));
    assert.deepEqual(parseEventTime('2018-10-06T12:26:13Z'), new Date('2018-10-06T12:26:13Z'));
    assert.equal(parseEventTime('not a time'), undefined);
  });
});
