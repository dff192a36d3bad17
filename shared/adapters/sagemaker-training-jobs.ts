import {
  AddTagsCommand,
  CreateTrainingJobCommand,
  type CreateTrainingJobRequest,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { QuotaExceededError, TrainingRequestRejectedError } from '../errors';
import type { TrainingJobs } from '../use-cases/ports';

const errorName = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;

/** TrainingJobs on SageMaker: ResourceInUse means "already launched", ResourceLimitExceeded a quota refusal. */
export function sagemakerTrainingJobs(client: SageMakerClient): TrainingJobs {
  return {
    async create(request: CreateTrainingJobRequest) {
      try {
        const result = await client.send(new CreateTrainingJobCommand(request));
        return { status: 'created', jobArn: result?.TrainingJobArn ?? '' };
      } catch (error) {
        const name = errorName(error);
        if (name === 'ResourceInUse') return { status: 'exists' };
        if (name === 'ValidationException')
          throw new TrainingRequestRejectedError(
            (error as Error).message,
            { jobName: request.TrainingJobName },
            { cause: error },
          );
        if (name === 'ResourceLimitExceeded')
          throw new QuotaExceededError(
            (error as Error).message,
            { jobName: request.TrainingJobName },
            { cause: error },
          );
        throw error;
      }
    },
    async addTags(jobArn: string, tags: Record<string, string>) {
      await client.send(
        new AddTagsCommand({
          ResourceArn: jobArn,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    },
    async describe(jobName: string) {
      return client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    },
    listInProgress: (nameContains: string) => listNames(client, nameContains, 'InProgress'),
    async listTags(jobArn: string) {
      const tags: Record<string, string> = {};
      let token: string | undefined;
      // A job has at most 50 tags; the bound only guards against a token that never ends.
      for (let page = 0; page < 10; page++) {
        const result = await client.send(
          new ListTagsCommand({ ResourceArn: jobArn, MaxResults: 100, NextToken: token }),
        );
        for (const tag of result.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
        token = result.NextToken;
        if (!token) break;
      }
      return tags;
    },
    listNames: (nameContains: string) => listNames(client, nameContains),
  };
}

/** Names of jobs whose name contains the text, newest first (one page of up to 100). */
async function listNames(
  client: SageMakerClient,
  nameContains: string,
  status?: 'InProgress',
): Promise<string[]> {
  const page = await client.send(
    new ListTrainingJobsCommand({
      NameContains: nameContains,
      ...(status ? { StatusEquals: status } : {}),
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 100,
    }),
  );
  return (page.TrainingJobSummaries ?? []).map((job) => job.TrainingJobName ?? '').filter(Boolean);
}
