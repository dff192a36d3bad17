import type { OrchestratorConfig } from '../config/load-config';
import { buildTrainingRequest } from '../domain/build-training-request';
import {
  DETAIL_TYPES,
  type FinalFailureDetail,
  type OrchestratorEvent,
  type RetryingDetail,
  type StartedDetail,
} from '../domain/orchestrator-events';
import { decideOnQuota } from '../domain/quota-policy';
import { runContext } from '../domain/run-context';
import { parseQuotaRefusal } from '../domain/service-quota';
import { TAG, type TrainingRun } from '../domain/training-run';
import { QuotaExceededError, TrainingRequestRejectedError } from '../errors';
import { logger } from '../logger';
import type { Clock, EventPublisher, RelaunchScheduler, TrainingJobs } from './ports';

export interface LaunchDependencies {
  config: OrchestratorConfig;
  jobs: TrainingJobs;
  events: EventPublisher;
  relaunch: RelaunchScheduler;
  clock: Clock;
}

/**
 * How long a job may exist unannounced before a repeated delivery announces it. Lambda retries a failed
 * asynchronous invocation after a minute or more; a delivery racing the first one comes sooner and must
 * stay quiet, since the first is still about to announce.
 */
export const ANNOUNCE_GRACE_SECONDS = 60;

export type LaunchOutcome =
  | { outcome: 'launched'; jobName: string; run: TrainingRun }
  | { outcome: 'already-launched'; jobName: string }
  | { outcome: 'delayed'; jobName: string; at: string }
  | { outcome: 'gave-up'; jobName: string; reason: string };

/**
 * Launches one attempt of a run.
 * 1. Build the CreateTrainingJob request (pure) and create the job.
 * 2. ResourceInUse: this attempt was launched before (a duplicate delivery): no job, no event, unless
 *    the delivery that created it failed before announcing it (no `orchestrator:announced` tag on a job
 *    older than a minute): then Training Run Started goes out now, late rather than never.
 * 3. ResourceLimitExceeded: a quota too small for one job switches to on-demand or the next GPU type
 *    (bounded by the ladder); a quota in use waits through a durable delay (bounded); else a final failure.
 * 4. ValidationException (or a quota refusal we cannot read): a final failure, never a retry loop.
 * Emits: Training Run Started | Training Run Retrying (quota) | Training Run Failed (quota, final).
 */
export async function launchAttempt(
  deps: LaunchDependencies,
  firstRun: TrainingRun,
  options: { reason: string; quotaWaits?: number },
): Promise<LaunchOutcome> {
  const { config } = deps;
  let run = firstRun;
  let reason = options.reason;
  const quotaWaits = options.quotaWaits ?? 0;
  // Each switch moves down the ladder or drops spot, so this ends within 2x the ladder length.
  for (let switches = 0; switches <= 2 * config.instanceTypes.length; switches++) {
    const request = buildTrainingRequest(config, run);
    const jobName = request.TrainingJobName as string;
    let created: Awaited<ReturnType<TrainingJobs['create']>>;
    try {
      created = await deps.jobs.create(request);
    } catch (error) {
      const context = runContext(config, run);
      const refusal = error instanceof QuotaExceededError ? parseQuotaRefusal(error.message) : undefined;
      if (
        error instanceof TrainingRequestRejectedError ||
        (error instanceof QuotaExceededError && !refusal)
      ) {
        // Retrying the same request cannot help: say so once, as a final failure.
        const detail: FinalFailureDetail = {
          ...context,
          status: 'Failed',
          failureReason: error.message,
          failureClass: error.code,
          remedy:
            error instanceof TrainingRequestRejectedError
              ? 'SageMaker rejected the training job request. Check the deployment settings it names (image, role, instance types, metric definitions, VPC, KMS) and upload manifest.json again.'
              : 'An account quota refused the job. Check Service Quotas for Amazon SageMaker training in this region.',
        };
        await deps.events.publish([{ detailType: DETAIL_TYPES.failed, detail }]);
        return { outcome: 'gave-up', jobName, reason: error.message };
      }
      if (!(error instanceof QuotaExceededError) || !refusal) throw error;
      const decision = decideOnQuota(config, run, refusal, quotaWaits);
      if (decision.action === 'switch') {
        run = decision.run;
        reason = decision.explanation;
        continue;
      }
      if (decision.action === 'wait') {
        const at = new Date(deps.clock().getTime() + decision.delaySeconds * 1000);
        await deps.relaunch.schedule(
          {
            run,
            reason: decision.explanation,
            failureClass: 'ResourceLimitExceeded',
            quotaWaits: quotaWaits + 1,
          },
          at,
        );
        const detail: RetryingDetail = {
          ...context,
          failureReason: error.message,
          failureClass: 'ResourceLimitExceeded',
          nextAction: `wait for quota, then launch ${run.instanceType} again (wait ${quotaWaits + 1} of ${config.retry.quotaMaxWaits})`,
          nextInstanceType: run.instanceType,
          nextSpot: run.spot,
          nextAttemptAt: at.toISOString(),
          quotaWait: quotaWaits + 1,
        };
        await deps.events.publish([{ detailType: DETAIL_TYPES.retrying, detail }]);
        return { outcome: 'delayed', jobName, at: at.toISOString() };
      }
      const detail: FinalFailureDetail = {
        ...context,
        status: 'Failed',
        failureReason: error.message,
        failureClass: 'ResourceLimitExceeded',
        remedy: decision.remedy,
      };
      await deps.events.publish([{ detailType: DETAIL_TYPES.failed, detail }]);
      return { outcome: 'gave-up', jobName, reason: error.message };
    }
    let jobArn = created.status === 'created' ? created.jobArn : '';
    if (created.status === 'exists') {
      const earlier = await earlierLaunch(deps, jobName);
      if (earlier.announced || !earlier.jobArn) return { outcome: 'already-launched', jobName };
      // An earlier delivery created the job, then failed before it could say so: say it now.
      jobArn = earlier.jobArn;
      reason = `${reason} (announced late: the delivery that created the job could not publish this event)`;
    }
    const started: OrchestratorEvent<StartedDetail> = {
      detailType: DETAIL_TYPES.started,
      detail: { ...runContext(config, run), reason },
    };
    await deps.events.publish([started]);
    await markAnnounced(deps, jobArn);
    return { outcome: 'launched', jobName, run };
  }
  throw new Error('instance-type switching did not settle; this is a bug');
}

/** Whether a job that already exists was announced; one that is not, but is young, is treated as announced. */
async function earlierLaunch(
  deps: LaunchDependencies,
  jobName: string,
): Promise<{ announced: boolean; jobArn: string | undefined }> {
  const job = await deps.jobs.describe(jobName);
  const jobArn = job?.TrainingJobArn;
  if (!jobArn) return { announced: true, jobArn };
  const tags = await deps.jobs.listTags(jobArn);
  const ageSeconds = (deps.clock().getTime() - (job.CreationTime?.getTime() ?? 0)) / 1000;
  return { announced: tags[TAG.announced] === 'true' || ageSeconds < ANNOUNCE_GRACE_SECONDS, jobArn };
}

/** Remembers on the job that its Started event went out; losing this only risks a repeated event. */
async function markAnnounced(deps: LaunchDependencies, jobArn: string): Promise<void> {
  if (!jobArn) return;
  try {
    await deps.jobs.addTags(jobArn, { [TAG.announced]: 'true' });
  } catch (error) {
    logger.warn('could not tag the job as announced', { jobArn, reason: (error as Error).message });
  }
}
