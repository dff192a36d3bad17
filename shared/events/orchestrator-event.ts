import * as v from 'valibot';
import { DETAIL_TYPES, type DetailType } from '../domain/orchestrator-events';
import type { NotificationDetail } from '../domain/render-slack-message';
import { InvalidEventError } from '../errors';

const Text = v.optional(v.string());
const Num = v.optional(v.nullable(v.number()));
const Dataset = v.optional(
  v.looseObject({ name: v.string(), version: v.string(), uri: v.optional(v.string()) }),
);

/**
 * An orchestrator event as EventBridge delivers it to the notifier. Tolerant: only what the message
 * uses is checked, extra fields pass, and every detail field is optional (rendering copes).
 */
const OrchestratorEventSchema = v.object({
  'detail-type': v.picklist(Object.values(DETAIL_TYPES)),
  id: v.optional(v.string()),
  time: v.optional(v.string()),
  detail: v.looseObject({
    runId: Text,
    jobName: Text,
    attempt: Num,
    maxAttempts: Num,
    trigger: Text,
    dataset: Dataset,
    instanceType: Text,
    instanceCount: Num,
    spot: v.optional(v.boolean()),
    links: v.optional(v.looseObject({ console: Text, logs: Text })),
    reason: Text,
    status: Text,
    failureReason: Text,
    failureClass: Text,
    remedy: Text,
    nextAction: Text,
    nextInstanceType: Text,
    nextSpot: v.optional(v.boolean()),
    nextAttemptAt: Text,
    metrics: v.optional(v.record(v.string(), v.number())),
    trainingSeconds: Num,
    billableSeconds: Num,
    spotSavings: Num,
    estimatedCostUsd: Num,
    modelArtifacts: Text,
    modelPackageArn: Text,
    modelPackageGroupName: Text,
    modelPackageVersion: Num,
    approvalStatus: Text,
    approvalMetric: Text,
    approvalMetricValue: Num,
    approvalThreshold: Num,
    modelDataUrl: Text,
    runningJobName: Text,
  }),
});

export interface ParsedOrchestratorEvent {
  detailType: DetailType;
  time: string | undefined;
  detail: NotificationDetail;
}

export function parseOrchestratorEvent(event: unknown): ParsedOrchestratorEvent {
  const result = v.safeParse(OrchestratorEventSchema, event);
  if (!result.success)
    throw new InvalidEventError('not an orchestrator event', {
      issues: result.issues
        .slice(0, 5)
        .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
    });
  const detail: NotificationDetail = result.output.detail;
  return { detailType: result.output['detail-type'], time: result.output.time, detail };
}
