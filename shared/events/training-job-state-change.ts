import * as v from 'valibot';
import { InvalidEventError } from '../errors';

/**
 * "SageMaker Training Job State Change" from the default bus. Tolerant on purpose: extra fields pass,
 * times may be epoch-millisecond numbers, strings of them, or ISO text, and `Tags` may be an object
 * (the documented sample) or a list of {Key, Value}.
 */
const Time = v.union([v.number(), v.string()]);

const TagsSchema = v.union([
  v.record(v.string(), v.string()),
  v.array(v.object({ Key: v.string(), Value: v.string() })),
]);

const TrainingJobStateChange = v.object({
  source: v.literal('aws.sagemaker'),
  'detail-type': v.literal('SageMaker Training Job State Change'),
  time: v.optional(v.string()),
  region: v.optional(v.string()),
  detail: v.object({
    TrainingJobName: v.pipe(v.string(), v.minLength(1), v.maxLength(63)),
    TrainingJobArn: v.optional(v.string()),
    TrainingJobStatus: v.picklist(['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped']),
    SecondaryStatus: v.optional(v.string()),
    FailureReason: v.optional(v.string()),
    CreationTime: v.optional(Time),
    TrainingStartTime: v.optional(Time),
    TrainingEndTime: v.optional(Time),
    LastModifiedTime: v.optional(Time),
    SecondaryStatusTransitions: v.optional(
      v.array(
        v.object({
          Status: v.string(),
          StartTime: v.optional(Time),
          EndTime: v.optional(Time),
          StatusMessage: v.optional(v.string()),
        }),
      ),
    ),
    Tags: v.optional(TagsSchema),
  }),
});

export type JobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface TrainingJobStateChange {
  jobName: string;
  jobArn: string | undefined;
  status: JobStatus;
  secondaryStatus: string | undefined;
  failureReason: string | undefined;
  /** Secondary statuses the job went through, oldest first. */
  transitions: string[];
  endTime: Date | undefined;
  tags: Record<string, string>;
}

/** Epoch milliseconds (number or digit string) or an ISO timestamp; undefined when unreadable. */
export function parseEventTime(value: number | string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const date =
    typeof value === 'number' || /^\d+$/.test(value) ? new Date(Number(value)) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function parseTrainingJobStateChange(event: unknown): TrainingJobStateChange {
  const result = v.safeParse(TrainingJobStateChange, event);
  if (!result.success)
    throw new InvalidEventError('not a SageMaker Training Job State Change event', {
      issues: result.issues
        .slice(0, 5)
        .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
    });
  const detail = result.output.detail;
  const tags = Array.isArray(detail.Tags)
    ? Object.fromEntries(detail.Tags.map((tag) => [tag.Key, tag.Value]))
    : { ...(detail.Tags ?? {}) };
  return {
    jobName: detail.TrainingJobName,
    jobArn: detail.TrainingJobArn,
    status: detail.TrainingJobStatus,
    secondaryStatus: detail.SecondaryStatus,
    failureReason: detail.FailureReason,
    transitions: (detail.SecondaryStatusTransitions ?? []).map((transition) => transition.Status),
    endTime: parseEventTime(detail.TrainingEndTime ?? detail.LastModifiedTime),
    tags,
  };
}
