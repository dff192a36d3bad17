import middy from '@middy/core';
import { dynamoDbClient } from '../../shared/aws/dynamodb-client';
import { notifyDependencies } from '../../shared/composition/notify-dependencies';
import { getConfig } from '../../shared/config/load-config';
import { parseOrchestratorEvent } from '../../shared/events/orchestrator-event';
import { logger } from '../../shared/logger';
import { errorBoundary } from '../../shared/middleware/error-boundary';
import { notificationIdempotency } from '../../shared/middleware/notification-idempotency';
import { notifySlack } from '../../shared/use-cases/notify-slack';

const config = getConfig();
const deps = notifyDependencies(config);

/** Orchestrator event -> one Slack message (once per event type, job and attempt). */
export const handler = middy(async (event: unknown) => {
  const outcome = await notifySlack(deps, parseOrchestratorEvent(event));
  logger.info('notification handled', { ...outcome });
  return { status: 'ok', outcome };
})
  // onError runs in reverse: the idempotency record is released before the boundary classifies.
  .use(errorBoundary())
  .use(notificationIdempotency(config.idempotencyTable, dynamoDbClient));
