import type { Classification } from './classify-failure';
import { nextRung } from './quota-policy';
import type { TrainingRun } from './training-run';

export interface RetryPolicySettings {
  instanceTypes: readonly string[];
  maxAttempts: number;
  maxRuntimeSeconds: number;
  spot: { onDemandFallback: boolean };
  retry: { baseDelaySeconds: number; maxDelaySeconds: number };
}

export type RetryDecision =
  | {
      action: 'relaunch';
      /** The next attempt: same run id, attempt + 1. */
      run: TrainingRun;
      /** 0: launch now; otherwise through a durable delay. */
      delaySeconds: number;
      nextAction: string;
    }
  | { action: 'give-up'; status: 'Failed' | 'Stopped'; remedy: string };

/**
 * EventBridge Scheduler needs a time in the future; a minute keeps a short jittered delay from landing
 * in the past by the time the schedule is created.
 */
export const MIN_SCHEDULED_DELAY_SECONDS = 60;

/**
 * Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^(attempt - 1))), floored
 * at MIN_SCHEDULED_DELAY_SECONDS. `random` returns [0, 1) and is injected so tests are exact.
 */
export function backoffSeconds(
  settings: Pick<RetryPolicySettings, 'retry'>,
  attempt: number,
  random: () => number,
): number {
  const ceiling = Math.min(
    settings.retry.maxDelaySeconds,
    settings.retry.baseDelaySeconds * 2 ** Math.max(0, attempt - 1),
  );
  return Math.max(MIN_SCHEDULED_DELAY_SECONDS, Math.floor(random() * ceiling));
}

/**
 * What to do after an attempt failed or stopped (DESIGN.md section 3): a capacity error moves down the
 * GPU ladder, an internal error retries the same spec after backoff, spot that never came retries on
 * demand (or the next rung), and everything caused by the code, the data, the runtime limit or a person
 * is final. Attempts are bounded by maxAttempts, and every path ends in a decision.
 */
export function decideRetry(
  settings: RetryPolicySettings,
  failed: TrainingRun,
  classification: Classification,
  random: () => number,
): RetryDecision {
  const plan = planNext(settings, failed, classification, random);
  if (plan.action === 'give-up') return plan;
  if (failed.attempt >= settings.maxAttempts)
    return {
      action: 'give-up',
      status: 'Failed',
      remedy: `Out of attempts (${failed.attempt} of ${settings.maxAttempts}); the last one ended with ${classification.failureClass}: ${classification.reason} Upload manifest.json again to start a new run later, or raise MAX_ATTEMPTS.`,
    };
  return plan;
}

function planNext(
  settings: RetryPolicySettings,
  failed: TrainingRun,
  classification: Classification,
  random: () => number,
): RetryDecision {
  const next = { ...failed, attempt: failed.attempt + 1 };
  const mode = (spot: boolean) => (spot ? 'spot' : 'on-demand');
  switch (classification.failureClass) {
    case 'CapacityError': {
      const type = nextRung(settings.instanceTypes, failed.instanceType);
      if (!type)
        return {
          action: 'give-up',
          status: 'Failed',
          remedy: `No GPU capacity for ${failed.instanceType}, the last type on the ladder (${settings.instanceTypes.join(', ')}). Retry later, or add instance types to INSTANCE_TYPES.`,
        };
      return {
        action: 'relaunch',
        run: { ...next, instanceType: type },
        delaySeconds: 0,
        nextAction: `launch attempt ${next.attempt} on ${type} (${mode(failed.spot)}) now: no capacity for ${failed.instanceType}`,
      };
    }
    case 'InternalServerError': {
      const delaySeconds = backoffSeconds(settings, failed.attempt, random);
      return {
        action: 'relaunch',
        run: next,
        delaySeconds,
        nextAction: `launch attempt ${next.attempt} on ${failed.instanceType} (${mode(failed.spot)}) again after a ${delaySeconds}s backoff`,
      };
    }
    case 'MaxWaitTimeExceeded': {
      if (failed.spot && settings.spot.onDemandFallback)
        return {
          action: 'relaunch',
          run: { ...next, spot: false },
          delaySeconds: 0,
          nextAction: `launch attempt ${next.attempt} on ${failed.instanceType} on demand now: spot capacity never came`,
        };
      const type = nextRung(settings.instanceTypes, failed.instanceType);
      if (!type)
        return {
          action: 'give-up',
          status: 'Failed',
          remedy: `Spot capacity for ${failed.instanceType} never came and no instance type is left on the ladder. Set ON_DEMAND_FALLBACK=true, raise MAX_WAIT_SECONDS, or add instance types to INSTANCE_TYPES.`,
        };
      return {
        action: 'relaunch',
        run: { ...next, instanceType: type },
        delaySeconds: 0,
        nextAction: `launch attempt ${next.attempt} on ${type} (${mode(failed.spot)}) now: spot capacity for ${failed.instanceType} never came`,
      };
    }
    case 'MaxRuntimeExceeded':
      return {
        action: 'give-up',
        status: 'Stopped',
        remedy: `Training hit the runtime limit of ${settings.maxRuntimeSeconds}s (MAX_RUNTIME_SECONDS) and was stopped. Raise MAX_RUNTIME_SECONDS, or train fewer epochs (hyperparameter 'epochs' in manifest.json).`,
      };
    case 'AlgorithmError':
    case 'ClientError':
      return {
        action: 'give-up',
        status: 'Failed',
        remedy: classification.outOfMemory
          ? `The training process was killed (exit code 137), almost always out of memory. Lower 'batch_size' (or 'image_size') in manifest.json, or use a GPU with more memory, then upload manifest.json again.`
          : classification.failureClass === 'ClientError'
            ? 'SageMaker rejected the job input (data, channels or configuration). Check the dataset layout and manifest.json, then upload manifest.json again.'
            : 'The training code failed. Read the CloudWatch Logs of the job, fix the code or data, then upload manifest.json again.',
      };
    case 'StoppedByUser':
      return {
        action: 'give-up',
        status: 'Stopped',
        remedy:
          'Someone stopped the job; nothing was retried. Upload manifest.json again to train this dataset version.',
      };
    default:
      return {
        action: 'give-up',
        status: 'Failed',
        remedy:
          'This failure is not one the orchestrator retries. Read the CloudWatch Logs of the job; upload manifest.json again to retry by hand.',
      };
  }
}
