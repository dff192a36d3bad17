import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import { logger } from '../logger';

/**
 * What makes two notifications the same: the event type, the job (or run) and attempt, the failure class
 * and the quota wait, not the event id, because two SageMaker Completed events for one job give two
 * Model Registered events with different ids. The failure class and the wait number keep a retry after
 * a quota wait, and each further wait, from being taken for a duplicate of the first.
 */
export const NOTIFICATION_KEY =
  '["detail-type", detail.jobName || detail.runId, detail.attempt, detail.failureClass, detail.quotaWait]';
export const NOTIFICATION_EXPIRY_SECONDS = 7 * 24 * 3600;

/**
 * Exactly-once notifications across Lambda instances: Powertools idempotency on DynamoDB (partition key
 * `id`, TTL attribute `expiration`), sharing the process-wide DynamoDB client. Without a table there is none: a warning is logged once, at cold start, and the middleware list is empty.
 */
export function notificationIdempotency(
  tableName: string | undefined,
  client: DynamoDBClient,
): MiddlewareObj<unknown, unknown>[] {
  if (!tableName) {
    logger.warn('IDEMPOTENCY_TABLE is empty: duplicate events may send duplicate Slack messages');
    return [];
  }
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: NOTIFICATION_KEY,
    expiresAfterSeconds: NOTIFICATION_EXPIRY_SECONDS,
  });
  return [makeHandlerIdempotent({ persistenceStore, config }) as MiddlewareObj<unknown, unknown>];
}
