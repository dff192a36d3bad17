import middy from '@middy/core';
import { launchDependencies } from '../../shared/composition/launch-dependencies';
import { getConfig } from '../../shared/config/load-config';
import { parseRelaunchRequest } from '../../shared/events/relaunch-request';
import { logger } from '../../shared/logger';
import { errorBoundary } from '../../shared/middleware/error-boundary';
import { launchAttempt } from '../../shared/use-cases/launch-attempt';

const deps = launchDependencies(getConfig());

/** A durable delay ran out (backoff or quota wait): launch the attempt it carries. */
export const handler = middy(async (event: unknown) => {
  const request = parseRelaunchRequest(event);
  const outcome = await launchAttempt(deps, request.run, {
    reason: request.reason,
    quotaWaits: request.quotaWaits,
  });
  logger.info('relaunch handled', { runId: request.run.runId, attempt: request.run.attempt, ...outcome });
  return { status: 'ok', outcome };
}).use(errorBoundary());
