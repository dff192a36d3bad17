/**
 * Why an attempt ended, from what SageMaker says about it (DESIGN.md section 3, "Failure classes").
 * Pure: the status, the secondary status and its transitions, and the FailureReason text.
 */
export type FailureClass =
  | 'CapacityError'
  | 'InternalServerError'
  | 'MaxWaitTimeExceeded'
  | 'MaxRuntimeExceeded'
  | 'AlgorithmError'
  | 'ClientError'
  | 'StoppedByUser'
  | 'Unknown';

export interface EndedAttempt {
  status: 'Failed' | 'Stopped';
  secondaryStatus?: string | undefined;
  /** Secondary statuses the job went through, oldest first. */
  transitions?: readonly string[];
  failureReason?: string | undefined;
}

export interface Classification {
  failureClass: FailureClass;
  /** The text a person reads: SageMaker's FailureReason, or what the status means. */
  reason: string;
  /** The process was killed (exit code 137): almost always out of memory. */
  outOfMemory: boolean;
}

const PREFIXED: readonly FailureClass[] = [
  'CapacityError',
  'InternalServerError',
  'AlgorithmError',
  'ClientError',
];

export function classifyFailure(attempt: EndedAttempt): Classification {
  const text = (attempt.failureReason ?? '').trim();
  const outOfMemory = /\bExitCode:?\s*137\b/i.test(text) || /out of memory|OOMKilled/i.test(text);
  const statuses = [attempt.secondaryStatus, ...(attempt.transitions ?? [])];
  // The secondary status names the stopping condition; it wins over a generic FailureReason.
  if (statuses.includes('MaxWaitTimeExceeded'))
    return {
      failureClass: 'MaxWaitTimeExceeded',
      reason:
        text || 'Spot capacity did not become available within MaxWaitTimeInSeconds (MaxWaitTimeExceeded).',
      outOfMemory,
    };
  if (statuses.includes('MaxRuntimeExceeded'))
    return {
      failureClass: 'MaxRuntimeExceeded',
      reason: text || 'Training ran longer than MaxRuntimeInSeconds and was stopped (MaxRuntimeExceeded).',
      outOfMemory,
    };
  const prefixed = PREFIXED.find((name) => text.startsWith(name));
  if (prefixed) return { failureClass: prefixed, reason: text, outOfMemory };
  if (attempt.status === 'Stopped')
    return {
      failureClass: 'StoppedByUser',
      reason: text || 'The training job was stopped (StopTrainingJob) before it finished.',
      outOfMemory,
    };
  return {
    failureClass: 'Unknown',
    reason: text || `The training job ended as ${attempt.status} without a FailureReason.`,
    outOfMemory,
  };
}
