import middy from '@middy/core';
import { outcomeDependencies } from '../../shared/composition/outcome-dependencies';
import { getConfig } from '../../shared/config/load-config';
import { parseTrainingJobStateChange } from '../../shared/events/training-job-state-change';
import { logger } from '../../shared/logger';
import { errorBoundary } from '../../shared/middleware/error-boundary';
import { handleTrainingOutcome } from '../../shared/use-cases/handle-training-outcome';

const deps = outcomeDependencies(getConfig());

/** SageMaker job Failed/Stopped -> retry the way the cause calls for, or end the run with a remedy. */
export const handler = middy(async (event: unknown) => {
  const change = parseTrainingJobStateChange(event);
  const outcome = await handleTrainingOutcome(deps, change);
  if (outcome.outcome === 'ignored') logger.info('state change ignored', { ...outcome });
  else logger.info('training outcome handled', { status: change.status, ...outcome });
  return { status: 'ok', outcome };
}).use(errorBoundary());
