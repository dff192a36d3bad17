import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { trainingJobName } from '../domain/job-naming';
import type { RelaunchRequest, RelaunchScheduler } from '../use-cases/ports';

export interface RelaunchTarget {
  targetArn: string;
  roleArn: string;
  groupName: string;
  deadLetterArn: string | undefined;
  jobNamePrefix: string;
}

/** `at(...)` takes UTC time to the second, without zone. */
const atExpression = (at: Date): string => `at(${at.toISOString().slice(0, 19)})`;

/**
 * Durable delays through EventBridge Scheduler one-time schedules that invoke the relaunch target. The
 * schedule name is derived from the attempt, so a duplicate request finds the schedule already there.
 */
export function schedulerRelaunch(client: SchedulerClient, target: RelaunchTarget): RelaunchScheduler {
  return {
    async schedule(request: RelaunchRequest, at: Date) {
      const job = trainingJobName(
        target.jobNamePrefix,
        request.run.datasetVersion.dataset,
        request.run.runId,
        request.run.attempt,
      );
      const name = `${job}-w${request.quotaWaits}`.slice(-64);
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: target.groupName,
            ScheduleExpression: atExpression(at),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Description: request.reason.slice(0, 512),
            Target: {
              Arn: target.targetArn,
              RoleArn: target.roleArn,
              Input: JSON.stringify({ relaunch: request }),
              RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86400 },
              ...(target.deadLetterArn ? { DeadLetterConfig: { Arn: target.deadLetterArn } } : {}),
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConflictException || (error as { name?: string }).name === 'ConflictException')
          return;
        throw error;
      }
    },
  };
}
