import middy from '@middy/core';
import { s3DatasetStore } from '../../shared/adapters/s3-dataset-store';
import { s3Client } from '../../shared/aws/s3-client';
import { launchDependencies } from '../../shared/composition/launch-dependencies';
import { getConfig } from '../../shared/config/load-config';
import { parseObjectCreated } from '../../shared/events/s3-object-created';
import { logger } from '../../shared/logger';
import { errorBoundary } from '../../shared/middleware/error-boundary';
import { startTrainingFromUpload } from '../../shared/use-cases/start-training-from-upload';

const config = getConfig();
const deps = { ...launchDependencies(config), datasets: s3DatasetStore(s3Client) };

/** S3 Object Created (EventBridge or Records[]) -> at most one training job per dataset version. */
export const handler = middy(async (event: unknown) => {
  const outcomes = [];
  for (const object of parseObjectCreated(event)) {
    const outcome = await startTrainingFromUpload(deps, object);
    if (outcome.outcome === 'ignored')
      logger.debug('ignored object', { key: object.key, reason: outcome.reason });
    else logger.info('dataset upload handled', { key: object.key, ...outcome });
    outcomes.push(outcome);
  }
  return { status: 'ok', outcomes };
}).use(errorBoundary());
