import { type QuotaRefusal, quotaCanNeverFit } from './service-quota';
import type { TrainingRun } from './training-run';

export type QuotaDecision =
  | { action: 'switch'; run: TrainingRun; explanation: string }
  | { action: 'wait'; delaySeconds: number; explanation: string }
  | { action: 'give-up'; remedy: string };

export interface QuotaPolicySettings {
  instanceTypes: readonly string[];
  spot: { onDemandFallback: boolean };
  retry: { quotaWaitSeconds: number; quotaMaxWaits: number };
  region: string;
}

/**
 * What to do when CreateTrainingJob is refused by a quota. A quota smaller than one job makes that
 * type unusable: spot falls back to on-demand of the same type when allowed, otherwise the next rung of
 * the ladder. A quota held by other jobs is worth waiting for, a bounded number of times.
 */
export function decideOnQuota(
  settings: QuotaPolicySettings,
  run: TrainingRun,
  refusal: QuotaRefusal,
  waitsSoFar: number,
): QuotaDecision {
  const askFor = `Request an increase of the Service Quotas value '${refusal.quotaName}' (Amazon SageMaker, ${settings.region})`;
  if (quotaCanNeverFit(refusal)) {
    if (run.spot && refusal.spot && settings.spot.onDemandFallback)
      return {
        action: 'switch',
        run: { ...run, spot: false },
        explanation: `spot quota '${refusal.quotaName}' is ${refusal.limit}; trying ${run.instanceType} on demand`,
      };
    const next = nextRung(settings.instanceTypes, run.instanceType);
    if (next)
      return {
        action: 'switch',
        run: { ...run, instanceType: next },
        explanation: `quota '${refusal.quotaName}' is ${refusal.limit}; trying ${next}`,
      };
    return {
      action: 'give-up',
      remedy: `${askFor}, or add an instance type you have quota for to INSTANCE_TYPES.`,
    };
  }
  if (waitsSoFar < settings.retry.quotaMaxWaits)
    return {
      action: 'wait',
      delaySeconds: settings.retry.quotaWaitSeconds,
      explanation: `quota '${refusal.quotaName}' is in use (${refusal.inUse} of ${refusal.limit}); waiting for running jobs to finish`,
    };
  return {
    action: 'give-up',
    remedy: `The quota stayed in use through ${waitsSoFar} waits. ${askFor}, or stop other training jobs.`,
  };
}

/** The type after `current` on the ladder; undefined at the bottom or when `current` is not on it. */
export function nextRung(ladder: readonly string[], current: string): string | undefined {
  const index = ladder.indexOf(current);
  return index >= 0 ? ladder[index + 1] : undefined;
}
