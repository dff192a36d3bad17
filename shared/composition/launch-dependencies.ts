import { sagemakerTrainingJobs } from '../adapters/sagemaker-training-jobs';
import { schedulerRelaunch } from '../adapters/scheduler-relaunch';
import { sagemakerClient } from '../aws/sagemaker-client';
import { schedulerClient } from '../aws/scheduler-client';
import type { OrchestratorConfig } from '../config/load-config';
import type { LaunchDependencies } from '../use-cases/launch-attempt';
import type { RelaunchScheduler } from '../use-cases/ports';
import { orchestratorEventPublisher } from './orchestrator-event-publisher';

/** Wires the launch use case to the process-wide AWS clients. */
export function launchDependencies(config: OrchestratorConfig): LaunchDependencies {
  return {
    config,
    jobs: sagemakerTrainingJobs(sagemakerClient),
    events: orchestratorEventPublisher(config),
    relaunch: relaunchScheduler(config),
    clock: () => new Date(),
  };
}

function relaunchScheduler(config: OrchestratorConfig): RelaunchScheduler {
  const { targetArn, roleArn } = config.scheduler;
  if (!targetArn || !roleArn)
    return {
      async schedule() {
        throw new Error(
          'delayed relaunch needs RELAUNCH_TARGET_ARN and SCHEDULER_ROLE_ARN (the stack sets both)',
        );
      },
    };
  return schedulerRelaunch(schedulerClient, {
    targetArn,
    roleArn,
    groupName: config.scheduler.groupName,
    deadLetterArn: config.scheduler.deadLetterArn,
    jobNamePrefix: config.jobNamePrefix,
  });
}
