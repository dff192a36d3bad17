import {
  CreateTrainingJobCommand,
  type CreateTrainingJobRequest,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { QuotaExceededError } from '../errors';
import type { TrainingJobs } from '../use-cases/ports';

const errorName = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;

/** TrainingJobs on SageMaker: ResourceInUse means "already launched", ResourceLimitExceeded a quota refusal. */
export function sagemakerTrainingJobs(client: SageMakerClient): TrainingJobs {
  return {
    async create(request: CreateTrainingJobRequest) {
      try {
        await client.send(new CreateTrainingJobCommand(request));
        return 'created';
      } catch (error) {
        const name = errorName(error);
        if (name === 'ResourceInUse') return 'exists';
        if (name === 'ResourceLimitExceeded')
          throw new QuotaExceededError(
            (error as Error).message,
            { jobName: request.TrainingJobName },
            { cause: error },
          );
        throw error;
      }
    },
    async describe(jobName: string) {
      return client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    },
    async listInProgress(nameContains: string) {
      const page = await client.send(
        new ListTrainingJobsCommand({
          NameContains: nameContains,
          StatusEquals: 'InProgress',
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: 100,
        }),
      );
      return (page.TrainingJobSummaries ?? []).map((job) => job.TrainingJobName ?? '').filter(Boolean);
    },
  };
}
