import * as v from 'valibot';
import { InvalidEventError } from '../errors';
import type { RelaunchRequest } from '../use-cases/ports';

const Channel = v.object({
  name: v.string(),
  s3Uri: v.string(),
  inputMode: v.picklist(['File', 'FastFile']),
});

/** The payload a one-time schedule delivers: `{ "relaunch": RelaunchRequest }`. */
const RelaunchPayload = v.object({
  relaunch: v.object({
    run: v.object({
      runId: v.pipe(v.string(), v.regex(/^[0-9a-f]{12}$/)),
      attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
      trigger: v.picklist(['dataset-upload', 'schedule', 'manual']),
      datasetVersion: v.object({
        bucket: v.string(),
        dataset: v.string(),
        version: v.string(),
        versionRoot: v.string(),
        manifestKey: v.string(),
      }),
      instanceType: v.string(),
      spot: v.boolean(),
      hyperparameters: v.record(v.string(), v.string()),
      channels: v.array(Channel),
    }),
    reason: v.string(),
    failureClass: v.string(),
    quotaWaits: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
});

export function parseRelaunchRequest(event: unknown): RelaunchRequest {
  const result = v.safeParse(RelaunchPayload, event);
  if (!result.success)
    throw new InvalidEventError('not a relaunch request', {
      issues: result.issues
        .slice(0, 5)
        .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
    });
  return result.output.relaunch;
}
