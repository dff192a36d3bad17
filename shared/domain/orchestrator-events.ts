/**
 * The orchestrator's own events (its EventBridge bus). The detail of each is written for the person who
 * must act: what happened, to which dataset, and what happens next.
 */
export const DETAIL_TYPES = {
  started: 'Training Run Started',
  retrying: 'Training Run Retrying',
  succeeded: 'Training Run Succeeded',
  failed: 'Training Run Failed',
  stopped: 'Training Run Stopped',
  registered: 'Model Registered',
  skipped: 'Training Run Skipped',
} as const;

export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

export interface RunContext {
  runId: string;
  jobName: string;
  attempt: number;
  maxAttempts: number;
  trigger: string;
  dataset: { name: string; version: string; uri: string };
  instanceType: string;
  instanceCount: number;
  spot: boolean;
  links: { console: string; logs: string };
}

export interface StartedDetail extends RunContext {
  /** Why this attempt exists: 'first launch' or the retry decision that made it. */
  reason?: string;
}

export interface RetryingDetail extends RunContext {
  failureReason: string;
  failureClass: string;
  nextAction: string;
  nextInstanceType: string;
  nextSpot: boolean;
  /** ISO time the next attempt launches. */
  nextAttemptAt: string;
  /** Which wait for quota this is (1, 2, ...), when the retry waits for quota held by other jobs. */
  quotaWait?: number;
}

export interface FinalFailureDetail extends RunContext {
  status: 'Failed' | 'Stopped';
  failureReason: string;
  failureClass: string;
  /** What a person can do about it. */
  remedy: string;
}

export interface SucceededDetail extends RunContext {
  metrics: Record<string, number>;
  trainingSeconds: number;
  billableSeconds: number;
  spotSavings: number | undefined;
  estimatedCostUsd: number | undefined;
  modelArtifacts: string;
  modelPackageArn?: string;
  modelPackageVersion?: number;
  approvalStatus?: string;
}

export interface RegisteredDetail extends RunContext {
  modelPackageArn: string;
  modelPackageGroupName: string;
  modelPackageVersion: number | undefined;
  approvalStatus: string;
  approvalMetric: string;
  approvalMetricValue: number | undefined;
  approvalThreshold: number | undefined;
  modelDataUrl: string;
}

export interface SkippedDetail {
  runId: string;
  trigger: string;
  dataset: { name: string; version: string; uri: string };
  reason: string;
  runningJobName?: string;
}

export interface OrchestratorEvent<D = unknown> {
  detailType: DetailType;
  detail: D;
}

const CONSOLE = (region: string) => `https://${region}.console.aws.amazon.com`;

export function jobLinks(region: string, jobName: string): { console: string; logs: string } {
  const logGroup = encodeURIComponent(encodeURIComponent('/aws/sagemaker/TrainingJobs')).replace(/%/g, '$');
  const stream = encodeURIComponent(encodeURIComponent(`${jobName}/`)).replace(/%/g, '$');
  return {
    console: `${CONSOLE(region)}/sagemaker/home?region=${region}#/jobs/${jobName}`,
    logs: `${CONSOLE(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${logGroup}/log-events$3FlogStreamNameFilter$3D${stream}`,
  };
}
