import middy from '@middy/core';
import { s3DatasetStore } from '../../shared/adapters/s3-dataset-store';
import { s3Client } from '../../shared/aws/s3-client';
import { launchDependencies } from '../../shared/composition/launch-dependencies';
import { getConfig } from '../../shared/config/load-config';
import { parseScheduledEvent } from '../../shared/events/scheduled-event';
import { logger } from '../../shared/logger';
import { errorBoundary } from '../../shared/middleware/error-boundary';
import { retrainLatestVersion } from '../../shared/use-cases/retrain-latest-version';

const config = getConfig();
const deps = { ...launchDependencies(config), datasets: s3DatasetStore(s3Client) };

/** Schedule slot -> retrain the newest version of the configured dataset (one job per slot). */
export const handler = middy(async (event: unknown) => {
  const { slot, dataset } = parseScheduledEvent(event);
  const target = dataset ?? config.scheduledDataset;
  if (!target) {
    logger.warn('schedule fired but SCHEDULED_DATASET is empty; nothing to retrain');
    return { status: 'ok', outcome: { outcome: 'skipped', reason: 'no dataset configured' } };
  }
  const outcome = await retrainLatestVersion(deps, { dataset: target, slot });
  logger.info('scheduled retrain handled', { slot, dataset: target, ...outcome });
  return { status: 'ok', outcome };
}).use(errorBoundary());
