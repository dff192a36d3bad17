import type { MiddlewareObj } from '@middy/core';
import { errorMessage, isOrchestratorError } from '../errors';
import { logger } from '../logger';

export interface RejectedResult {
  status: 'rejected';
  code: string;
  message: string;
}

/**
 * The one place errors are classified. A permanent error (bad event, bad input) is logged with its code
 * and acknowledged with a structured result: retrying the same event cannot help. Anything else is
 * rethrown so Lambda retries it and, when retries run out, sends it to the on-failure destination.
 * A permanent error marked `deadLetter` is also rethrown: the event must land in the dead-letter queue
 * (Lambda's async retries then fail fast the same way; the function may set MaximumRetryAttempts 0).
 */
export function errorBoundary(): MiddlewareObj<unknown, unknown> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (isOrchestratorError(error) && error.kind === 'permanent' && error.deadLetter) {
        logger.error('failed: permanent error, dead-lettered', {
          code: error.code,
          reason: error.message,
          details: error.details,
        });
        return;
      }
      if (isOrchestratorError(error) && error.kind === 'permanent') {
        logger.error('rejected: permanent error, not retried', {
          code: error.code,
          reason: error.message,
          details: error.details,
        });
        const result: RejectedResult = { status: 'rejected', code: error.code, message: error.message };
        request.response = result;
        request.error = null;
        return;
      }
      logger.error('failed: will be retried by the platform', {
        code: isOrchestratorError(error) ? error.code : (error as { name?: string })?.name,
        reason: errorMessage(error),
      });
    },
  };
}
