import { type Classification, classifyFailure } from '../domain/classify-failure';
import { parseTrainingJobName } from '../domain/job-naming';
import { DETAIL_TYPES, type FinalFailureDetail, type RetryingDetail } from '../domain/orchestrator-events';
import { rebuildRun } from '../domain/rebuild-run';
import { decideRetry } from '../domain/retry-policy';
import { runContext } from '../domain/run-context';
import type { TrainingRun } from '../domain/training-run';
import type { TrainingJobStateChange } from '../events/training-job-state-change';
import { type LaunchDependencies, type LaunchOutcome, launchAttempt } from './launch-attempt';

export interface OutcomeDependencies extends LaunchDependencies {
  /** [0, 1); injected so backoff jitter is exact in tests. */
  random: () => number;
}

export type IgnoreOutcomeReason =
  | 'not-failed-or-stopped'
  | 'not-our-name'
  | 'not-managed-by-us'
  | 'no-dataset'
  | 'superseded-attempt';

export type TrainingOutcome =
  | { outcome: 'ignored'; reason: IgnoreOutcomeReason; jobName: string }
  | { outcome: 'gave-up'; jobName: string; failureClass: string; status: 'Failed' | 'Stopped' }
  | { outcome: 'relaunched'; jobName: string; failureClass: string; launch: LaunchOutcome }
  | { outcome: 'scheduled'; jobName: string; failureClass: string; nextJobName: string; at: string };

/**
 * An attempt ended as Failed or Stopped: retry it the way its cause calls for, or end the run.
 * 1. Re-check ownership: our job-name prefix, then DescribeTrainingJob + ListTags (managed-by tag).
 * 2. Ignore an event for an attempt older than the run's newest attempt (ListTrainingJobs by
 *    `-<runId>-`): a late or re-delivered Failed must not fork the run.
 * 3. Classify the failure (SageMaker's FailureReason, secondary status and its transitions).
 * 4. Decide (retry-policy): CapacityError -> next GPU type now; InternalServerError -> same spec after
 *    backoff with full jitter through an EventBridge Scheduler one-time schedule (relaunch-training
 *    function); spot MaxWaitTimeExceeded -> on demand (or next type); everything else is final.
 *    Attempts are bounded by MAX_ATTEMPTS.
 * 5. An immediate retry goes through launchAttempt (quota refusals handled there). A duplicate delivery
 *    meets ResourceInUse ('already-launched') and emits nothing; a duplicate delayed retry meets the
 *    existing schedule (same name) and its Retrying event is deduplicated by the notifier.
 * Emits: Training Run Retrying (+ Training Run Started from launchAttempt) | Training Run Failed |
 * Training Run Stopped (final, with a remedy).
 */
export async function handleTrainingOutcome(
  deps: OutcomeDependencies,
  change: TrainingJobStateChange,
): Promise<TrainingOutcome> {
  const { config } = deps;
  const jobName = change.jobName;
  if (change.status !== 'Failed' && change.status !== 'Stopped')
    return { outcome: 'ignored', reason: 'not-failed-or-stopped', jobName };
  if (!parseTrainingJobName(config.jobNamePrefix, jobName))
    return { outcome: 'ignored', reason: 'not-our-name', jobName };

  const job = await deps.jobs.describe(jobName);
  const tags = await deps.jobs.listTags(job.TrainingJobArn ?? change.jobArn ?? '');
  const rebuilt = rebuildRun(config, job, tags);
  if (!rebuilt.ours) return { outcome: 'ignored', reason: rebuilt.reason, jobName };
  const failed = rebuilt.run;

  const newest = await newestAttempt(deps, failed.runId);
  if (newest > failed.attempt) return { outcome: 'ignored', reason: 'superseded-attempt', jobName };

  const classification = classifyFailure({
    status: change.status,
    secondaryStatus: job.SecondaryStatus ?? change.secondaryStatus,
    transitions: [
      ...(job.SecondaryStatusTransitions ?? []).map((transition) => transition.Status ?? ''),
      ...change.transitions,
    ],
    failureReason: job.FailureReason ?? change.failureReason,
  });
  const decision = decideRetry(config, failed, classification, deps.random);
  const context = runContext(config, failed);

  if (decision.action === 'give-up') {
    const detail: FinalFailureDetail = {
      ...context,
      status: decision.status,
      failureReason: classification.reason,
      failureClass: classification.failureClass,
      remedy: decision.remedy,
    };
    const detailType = decision.status === 'Stopped' ? DETAIL_TYPES.stopped : DETAIL_TYPES.failed;
    await deps.events.publish([{ detailType, detail }]);
    return {
      outcome: 'gave-up',
      jobName,
      failureClass: classification.failureClass,
      status: decision.status,
    };
  }

  const reason = retryReason(failed, classification);
  if (decision.delaySeconds === 0) {
    const launch = await launchAttempt(deps, decision.run, { reason });
    // Only a launch this delivery made is news; 'already-launched' is a duplicate, and launchAttempt has
    // already said what happened on a quota wait or give-up.
    if (launch.outcome === 'launched')
      await deps.events.publish([
        {
          detailType: DETAIL_TYPES.retrying,
          detail: retrying(context, classification, decision.nextAction, launch.run, deps.clock()),
        },
      ]);
    return { outcome: 'relaunched', jobName, failureClass: classification.failureClass, launch };
  }

  const at = new Date(deps.clock().getTime() + decision.delaySeconds * 1000);
  await deps.relaunch.schedule(
    { run: decision.run, reason, failureClass: classification.failureClass, quotaWaits: 0 },
    at,
  );
  await deps.events.publish([
    {
      detailType: DETAIL_TYPES.retrying,
      detail: retrying(context, classification, decision.nextAction, decision.run, at),
    },
  ]);
  return {
    outcome: 'scheduled',
    jobName,
    failureClass: classification.failureClass,
    nextJobName: runContext(config, decision.run).jobName,
    at: at.toISOString(),
  };
}

/** Highest attempt number among the run's jobs (0 when the listing finds none). */
async function newestAttempt(deps: OutcomeDependencies, runId: string): Promise<number> {
  const names = await deps.jobs.listNames(`-${runId}-`);
  let newest = 0;
  for (const name of names) {
    const parsed = parseTrainingJobName(deps.config.jobNamePrefix, name);
    if (parsed?.runId === runId) newest = Math.max(newest, parsed.attempt);
  }
  return newest;
}

/** SageMaker's reasons usually start with their class already ("CapacityError: ..."): say it once. */
const retryReason = (failed: TrainingRun, classification: Classification): string => {
  const why = classification.reason.startsWith(classification.failureClass)
    ? classification.reason
    : `${classification.failureClass}: ${classification.reason}`;
  return `retry of attempt ${failed.attempt} after ${why}`.slice(0, 512);
};

function retrying(
  context: ReturnType<typeof runContext>,
  classification: Classification,
  nextAction: string,
  next: TrainingRun,
  at: Date,
): RetryingDetail {
  return {
    ...context,
    failureReason: classification.reason,
    failureClass: classification.failureClass,
    nextAction,
    nextInstanceType: next.instanceType,
    nextSpot: next.spot,
    nextAttemptAt: at.toISOString(),
  };
}
