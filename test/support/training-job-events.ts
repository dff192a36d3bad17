import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { TAG } from '../../shared/domain/training-run';
import { awsFixture } from './aws-fixtures';

/** The run the follow-up tests revolve around: dataset cats v1, run 0123456789ab. */
export const RUN_ID = '0123456789ab';
export const jobName = (attempt: number): string => `gto-cats-${RUN_ID}-${attempt}`;
export const jobArn = (name: string): string =>
  `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`;

export interface JobShape {
  attempt?: number;
  status?: 'Completed' | 'Failed' | 'Stopped';
  secondaryStatus?: string;
  failureReason?: string;
  instanceType?: string;
  spot?: boolean;
}

/** A SageMaker state-change event derived from the AWS sample Completed event. */
export function stateChange(shape: JobShape = {}): Record<string, unknown> {
  const event = awsFixture<{ resources: string[]; detail: Record<string, unknown> }>(
    'sagemaker-state-change-completed.awsdocs.json',
  );
  const name = jobName(shape.attempt ?? 1);
  event.resources = [jobArn(name)];
  Object.assign(event.detail, {
    TrainingJobName: name,
    TrainingJobArn: jobArn(name),
    TrainingJobStatus: shape.status ?? 'Failed',
    SecondaryStatus: shape.secondaryStatus ?? shape.status ?? 'Failed',
  });
  if (shape.failureReason !== undefined) event.detail.FailureReason = shape.failureReason;
  return event;
}

/** What DescribeTrainingJob says about that attempt (the launch path's request, as SageMaker echoes it). */
export function describeJob(shape: JobShape = {}): DescribeTrainingJobResponse {
  const name = jobName(shape.attempt ?? 1);
  const status = shape.status ?? 'Failed';
  return {
    TrainingJobName: name,
    TrainingJobArn: jobArn(name),
    TrainingJobStatus: status,
    SecondaryStatus: (shape.secondaryStatus ?? status) as never,
    ...(shape.failureReason ? { FailureReason: shape.failureReason } : {}),
    AlgorithmSpecification: { TrainingImage: 'image', TrainingInputMode: 'File' },
    HyperParameters: { epochs: '5', batch_size: '64' },
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://gto-datasets/datasets/cats/v1/train/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
        InputMode: 'File',
      },
      {
        ChannelName: 'validation',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://gto-datasets/datasets/cats/v1/validation/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
        InputMode: 'File',
      },
    ],
    OutputDataConfig: { S3OutputPath: `s3://gto-artifacts/models/${RUN_ID}/` },
    ResourceConfig: {
      InstanceType: (shape.instanceType ?? 'ml.g5.2xlarge') as never,
      InstanceCount: 1,
      VolumeSizeInGB: 50,
    },
    EnableManagedSpotTraining: shape.spot ?? true,
    StoppingCondition: { MaxRuntimeInSeconds: 86400, MaxWaitTimeInSeconds: 172800 },
    CreationTime: new Date('2026-01-05T09:00:00Z'),
    SecondaryStatusTransitions: [],
    ModelArtifacts: undefined,
  } as DescribeTrainingJobResponse;
}

/** ListTags of a job the orchestrator launched. */
export const ourTags = (attempt = 1) => [
  { Key: TAG.runId, Value: RUN_ID },
  { Key: TAG.attempt, Value: String(attempt) },
  { Key: TAG.trigger, Value: 'dataset-upload' },
  { Key: TAG.dataset, Value: 'cats' },
  { Key: TAG.datasetVersion, Value: 'v1' },
  { Key: TAG.datasetUri, Value: 's3://gto-datasets/datasets/cats/v1/' },
  { Key: TAG.managedBy, Value: 'gpu-training-orchestrator' },
];

/** The run's jobs as ListTrainingJobs lists them, newest first. */
export const summaries = (...attempts: number[]) => ({
  TrainingJobSummaries: attempts.map((attempt) => ({
    TrainingJobName: jobName(attempt),
    TrainingJobArn: jobArn(jobName(attempt)),
    CreationTime: new Date(),
    TrainingJobStatus: 'Failed' as const,
  })),
});
