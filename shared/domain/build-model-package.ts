import { createHash } from 'node:crypto';
import type {
  CreateModelPackageInput,
  DescribeTrainingJobResponse,
  ModelApprovalStatus,
} from '@aws-sdk/client-sagemaker';
import type { OrchestratorConfig } from '../config/load-config';
import { datasetUri } from './dataset-location';
import { type TrainingRun, tagValue } from './training-run';

export const METRICS_REPORT_FILE = 'metrics-report.json';
/** What the default image's model serves: images in, class probabilities out. */
export const SUPPORTED_CONTENT_TYPES = ['application/x-image', 'image/jpeg', 'image/png'];
export const SUPPORTED_RESPONSE_TYPES = ['application/json'];

/** FinalMetricDataList as a name -> value map (the last value SageMaker recorded for each metric). */
export function finalMetrics(
  job: Pick<DescribeTrainingJobResponse, 'FinalMetricDataList'>,
): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const metric of job.FinalMetricDataList ?? [])
    if (metric.MetricName && typeof metric.Value === 'number' && Number.isFinite(metric.Value))
      metrics[metric.MetricName] = metric.Value;
  return metrics;
}

/** `s3://b/out/run/job/output/model.tar.gz` -> `s3://b/out/run/job/output`. */
export function modelDirectory(modelDataUrl: string): string {
  return modelDataUrl.replace(/\/[^/]*$/, '');
}

export const metricsReportUri = (modelDataUrl: string): string =>
  `${modelDirectory(modelDataUrl)}/${METRICS_REPORT_FILE}`;

/**
 * Auto-approval: the metric meets the threshold (>=, or <= for a metric whose name ends in 'loss').
 * No threshold, or no such metric, leaves the decision to a person.
 */
export function approvalStatus(
  metricName: string,
  value: number | undefined,
  threshold: number | undefined,
): ModelApprovalStatus {
  if (threshold === undefined || value === undefined) return 'PendingManualApproval';
  const meets = /loss$/i.test(metricName) ? value <= threshold : value >= threshold;
  return meets ? 'Approved' : 'PendingManualApproval';
}

/** A repeated Completed event must register one version: the token is a function of the job name. */
export function clientToken(jobName: string): string {
  return createHash('sha256').update(jobName).digest('hex').slice(0, 32);
}

/**
 * The JSON written next to the model and referenced as ModelQuality statistics. It follows SageMaker
 * Model Monitor's model-quality statistics shape (`multiclass_classification_metrics.<name>.value`)
 * for the metrics that map onto it, and keeps every final metric under `metrics`.
 */
export function metricsReport(input: {
  jobName: string;
  runId: string;
  attempt: number;
  metrics: Record<string, number>;
  trainingSeconds: number;
  billableSeconds: number;
}): Record<string, unknown> {
  const classification: Record<string, { value: number; standard_deviation: string }> = {};
  for (const [name, value] of Object.entries(input.metrics)) {
    const [channel, metric] = name.includes(':') ? name.split(':', 2) : ['validation', name];
    if (channel === 'validation' && metric && ['accuracy', 'precision', 'recall', 'f1'].includes(metric))
      classification[metric] = { value, standard_deviation: 'NaN' };
  }
  return {
    version: 0.0,
    multiclass_classification_metrics: classification,
    metrics: input.metrics,
    training_job: {
      name: input.jobName,
      run_id: input.runId,
      attempt: input.attempt,
      training_seconds: input.trainingSeconds,
      billable_seconds: input.billableSeconds,
    },
  };
}

type RegistrySettings = Pick<OrchestratorConfig, 'trainingImageUri' | 'registry'>;

/** The exact CreateModelPackage request for a completed attempt. */
export function buildModelPackageInput(
  config: RegistrySettings,
  input: {
    job: Pick<DescribeTrainingJobResponse, 'TrainingJobName' | 'TrainingJobArn'>;
    run: TrainingRun;
    modelDataUrl: string;
    metrics: Record<string, number>;
  },
): CreateModelPackageInput {
  const { run, metrics } = input;
  const jobName = input.job.TrainingJobName ?? '';
  const metricValue = metrics[config.registry.approvalMetric];
  const metadata: Record<string, string> = {
    'dataset-uri': datasetUri(run.datasetVersion),
    dataset: run.datasetVersion.dataset,
    'dataset-version': run.datasetVersion.version,
    'training-job': jobName,
    'run-id': run.runId,
    trigger: run.trigger,
    attempt: String(run.attempt),
    'instance-type': run.instanceType,
    ...(metricValue === undefined
      ? {}
      : { [`metric:${config.registry.approvalMetric}`]: String(metricValue) }),
  };
  return {
    ModelPackageGroupName: config.registry.modelPackageGroupName,
    ModelPackageDescription:
      `Trained by ${jobName} on ${run.datasetVersion.dataset} version ${run.datasetVersion.version}`.slice(
        0,
        1024,
      ),
    InferenceSpecification: {
      Containers: [{ Image: config.trainingImageUri, ModelDataUrl: input.modelDataUrl }],
      SupportedContentTypes: SUPPORTED_CONTENT_TYPES,
      SupportedResponseMIMETypes: SUPPORTED_RESPONSE_TYPES,
      ...(config.registry.inferenceInstanceTypes.length > 0
        ? {
            SupportedRealtimeInferenceInstanceTypes: config.registry.inferenceInstanceTypes as NonNullable<
              CreateModelPackageInput['InferenceSpecification']
            >['SupportedRealtimeInferenceInstanceTypes'],
          }
        : {}),
    },
    ModelApprovalStatus: approvalStatus(
      config.registry.approvalMetric,
      metricValue,
      config.registry.approvalThreshold,
    ),
    ModelMetrics: {
      ModelQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: metricsReportUri(input.modelDataUrl) },
      },
    },
    ...(input.job.TrainingJobArn ? { MetadataProperties: { GeneratedBy: input.job.TrainingJobArn } } : {}),
    CustomerMetadataProperties: Object.fromEntries(
      Object.entries(metadata)
        .map(([key, value]) => [tagValue(key).slice(0, 128), tagValue(value)] as const)
        .filter(([, value]) => value.length > 0),
    ),
    ClientToken: clientToken(jobName),
  };
}

/** `arn:...:model-package/<group>/<version>` -> version. */
export function modelPackageVersion(arn: string): number | undefined {
  const match = /\/(\d+)$/.exec(arn);
  return match?.[1] ? Number(match[1]) : undefined;
}
