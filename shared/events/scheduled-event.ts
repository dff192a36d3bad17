import * as v from 'valibot';
import { InvalidEventError } from '../errors';

/** EventBridge "Scheduled Event"; its `time` is the slot, identical on every delivery of that slot. */
const ScheduledEvent = v.object({
  'detail-type': v.literal('Scheduled Event'),
  source: v.literal('aws.events'),
  time: v.pipe(v.string(), v.isoTimestamp()),
  detail: v.optional(v.record(v.string(), v.unknown())),
});

export function parseScheduledEvent(event: unknown): { slot: string; dataset: string | undefined } {
  const result = v.safeParse(ScheduledEvent, event);
  if (!result.success)
    throw new InvalidEventError('not an EventBridge Scheduled Event', {
      issues: result.issues
        .slice(0, 5)
        .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
    });
  const dataset = result.output.detail?.dataset;
  return { slot: result.output.time, dataset: typeof dataset === 'string' && dataset ? dataset : undefined };
}
