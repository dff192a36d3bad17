import type {
  CreateModelPackageInput,
  CreateTrainingJobRequest,
  DescribeTrainingJobResponse,
} from '@aws-sdk/client-sagemaker';
import type { OrchestratorEvent } from '../domain/orchestrator-events';
import type { TrainingRun } from '../domain/training-run';

/** SageMaker training jobs, as the use cases need them. */
export interface TrainingJobs {
  /** 'exists' when SageMaker already has a job of that name (ResourceInUse); QuotaExceededError on quota. */
  create(
    request: CreateTrainingJobRequest,
  ): Promise<{ status: 'created'; jobArn: string } | { status: 'exists' }>;
  /** Adds or overwrites tags on a job, by its ARN. */
  addTags(jobArn: string, tags: Record<string, string>): Promise<void>;
  describe(jobName: string): Promise<DescribeTrainingJobResponse>;
  /** Names of InProgress jobs whose name contains the text (first page, newest first). */
  listInProgress(nameContains: string): Promise<string[]>;
  /** Tags of a job, by its ARN, as a key -> value map (ListTags, all pages). */
  listTags(jobArn: string): Promise<Record<string, string>>;
  /** Names of jobs in any status whose name contains the text (newest first, up to 100). */
  listNames(nameContains: string): Promise<string[]>;
}

export interface EventPublisher {
  publish(events: readonly OrchestratorEvent[]): Promise<void>;
}

export interface ManifestObject {
  body: string;
  byteLength: number;
}

export interface DatasetStore {
  /** Reads at most maxBytes + 1 bytes, so a huge manifest is refused without downloading it. */
  readManifest(bucket: string, key: string, maxBytes: number): Promise<ManifestObject>;
  /** Versions of a dataset that have a manifest, with the manifest's identity. */
  listVersions(bucket: string, datasetPrefix: string): Promise<DatasetVersionMarker[]>;
}

export interface DatasetVersionMarker {
  version: string;
  manifestKey: string;
  lastModified: Date;
  etag: string;
}

/** A launch that must happen later (backoff, quota wait), through a durable delay. */
export interface RelaunchRequest {
  run: TrainingRun;
  reason: string;
  failureClass: string;
  quotaWaits: number;
}

export interface RelaunchScheduler {
  schedule(request: RelaunchRequest, at: Date): Promise<void>;
}

export type Clock = () => Date;

/** The SageMaker Model Registry. */
export interface ModelRegistry {
  /** Same ClientToken, same package: SageMaker returns the version it created the first time. */
  createModelPackage(input: CreateModelPackageInput): Promise<{ modelPackageArn: string }>;
}

/** Where reports next to a model are written. */
export interface ReportStore {
  putJson(s3Uri: string, body: unknown): Promise<void>;
}

/** Block Kit payload of a Slack incoming webhook. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

export interface SlackSender {
  /** Throws SlackWebhookRejectedError (permanent) or TransientDependencyError (after bounded retries). */
  send(webhookUrl: string, message: SlackMessage): Promise<void>;
}

/** The Slack webhook URL, read at run time from a secret store; undefined means log-only mode. */
export type WebhookUrlSource = () => Promise<string | undefined>;
