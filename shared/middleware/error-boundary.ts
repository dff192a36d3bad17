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
 */
export function errorBoundary(): MiddlewareObj<unknown, unknown> {
  return {
    onError: async (request) => {
      const error = request.error;
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
