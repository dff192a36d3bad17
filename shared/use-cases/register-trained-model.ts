import {
  buildModelPackageInput,
  finalMetrics,
  metricsReport,
  metricsReportUri,
  modelPackageVersion,
} from '../domain/build-model-package';
import { estimateCostUsd, priceTable, spotSavings } from '../domain/instance-prices';
import {
  DETAIL_TYPES,
  type OrchestratorEvent,
  type RegisteredDetail,
  type SucceededDetail,
} from '../domain/orchestrator-events';
import { rebuildRun } from '../domain/rebuild-run';
import { runContext } from '../domain/run-context';
import type { TrainingJobStateChange } from '../events/training-job-state-change';
import type { LaunchDependencies } from './launch-attempt';
import type { ModelRegistry, ReportStore } from './ports';

export interface RegisterDependencies extends Pick<LaunchDependencies, 'config' | 'jobs' | 'events'> {
  registry: ModelRegistry;
  reports: ReportStore;
}

export type RegisterOutcome =
  | { outcome: 'ignored'; reason: string; jobName: string }
  | { outcome: 'registered'; jobName: string; modelPackageArn: string; approvalStatus: string };

/**
 * An attempt Completed: register the model and say how the run went.
 * 1. Re-check ownership: job-name prefix, then DescribeTrainingJob + ListTags (managed-by tag).
 * 2. Final metrics (FinalMetricDataList), training and billable seconds, spot savings
 *    (1 - billable/training) and an estimated cost (billable seconds x on-demand price x count).
 * 3. Write metrics-report.json next to model.tar.gz (PutObject; same content on a repeat).
 * 4. CreateModelPackage in the group: image + ModelDataUrl, lineage in CustomerMetadataProperties,
 *    Approved when APPROVAL_METRIC meets APPROVAL_THRESHOLD else PendingManualApproval, and a ClientToken
 *    derived from the job name so a repeated event gets the same version back.
 * Emits: Model Registered, Training Run Succeeded. The order of arrival of state changes does not
 * matter: only Completed is acted on, and everything is read from DescribeTrainingJob.
 */
export async function registerTrainedModel(
  deps: RegisterDependencies,
  change: TrainingJobStateChange,
): Promise<RegisterOutcome> {
  const { config } = deps;
  const jobName = change.jobName;
  if (change.status !== 'Completed') return { outcome: 'ignored', reason: 'not-completed', jobName };
  if (!jobName.startsWith(`${config.jobNamePrefix}-`))
    return { outcome: 'ignored', reason: 'not-our-name', jobName };

  const job = await deps.jobs.describe(jobName);
  const tags = await deps.jobs.listTags(job.TrainingJobArn ?? change.jobArn ?? '');
  const rebuilt = rebuildRun(config, job, tags);
  if (!rebuilt.ours) return { outcome: 'ignored', reason: rebuilt.reason, jobName };
  const run = rebuilt.run;
  const modelDataUrl = job.ModelArtifacts?.S3ModelArtifacts;
  if (!modelDataUrl) return { outcome: 'ignored', reason: 'no-model-artifacts', jobName };

  const metrics = finalMetrics(job);
  const trainingSeconds = job.TrainingTimeInSeconds ?? 0;
  const billableSeconds = job.BillableTimeInSeconds ?? trainingSeconds;
  const instanceCount = job.ResourceConfig?.InstanceCount ?? config.instanceCount;

  await deps.reports.putJson(
    metricsReportUri(modelDataUrl),
    metricsReport({
      jobName,
      runId: run.runId,
      attempt: run.attempt,
      metrics,
      trainingSeconds,
      billableSeconds,
    }),
  );
  const request = buildModelPackageInput(config, { job, run, modelDataUrl, metrics });
  const { modelPackageArn } = await deps.registry.createModelPackage(request);
  const approval = request.ModelApprovalStatus ?? 'PendingManualApproval';
  const version = modelPackageVersion(modelPackageArn);

  const context = { ...runContext(config, run), instanceCount };
  const registered: OrchestratorEvent<RegisteredDetail> = {
    detailType: DETAIL_TYPES.registered,
    detail: {
      ...context,
      modelPackageArn,
      modelPackageGroupName: config.registry.modelPackageGroupName,
      modelPackageVersion: version,
      approvalStatus: approval,
      approvalMetric: config.registry.approvalMetric,
      approvalMetricValue: metrics[config.registry.approvalMetric],
      approvalThreshold: config.registry.approvalThreshold,
      modelDataUrl,
    },
  };
  const succeeded: OrchestratorEvent<SucceededDetail> = {
    detailType: DETAIL_TYPES.succeeded,
    detail: {
      ...context,
      metrics,
      trainingSeconds,
      billableSeconds,
      spotSavings: run.spot ? spotSavings(trainingSeconds, billableSeconds) : undefined,
      estimatedCostUsd: estimateCostUsd(
        priceTable(config.priceTable),
        run.instanceType,
        instanceCount,
        billableSeconds,
      ),
      modelArtifacts: modelDataUrl,
      modelPackageArn,
      modelPackageVersion: version,
      approvalStatus: approval,
    },
  };
  await deps.events.publish([registered, succeeded]);
  return { outcome: 'registered', jobName, modelPackageArn, approvalStatus: approval };
}
