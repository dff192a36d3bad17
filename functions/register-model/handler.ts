import middy from '@middy/core';
import { registerDependencies } from '../../shared/composition/register-dependencies';
import { getConfig } from '../../shared/config/load-config';
import { parseTrainingJobStateChange } from '../../shared/events/training-job-state-change';
import { logger } from '../../shared/logger';
import { errorBoundary } from '../../shared/middleware/error-boundary';
import { registerTrainedModel } from '../../shared/use-cases/register-trained-model';

const deps = registerDependencies(getConfig());

/** SageMaker job Completed -> metrics report, a Model Registry version, Succeeded + Registered events. */
export const handler = middy(async (event: unknown) => {
  const change = parseTrainingJobStateChange(event);
  const outcome = await registerTrainedModel(deps, change);
  if (outcome.outcome === 'ignored') logger.info('state change ignored', { ...outcome });
  else logger.info('model registered', { ...outcome });
  return { status: 'ok', outcome };
}).use(errorBoundary());
