import { s3ReportStore } from '../adapters/s3-report-store';
import { sagemakerModelRegistry } from '../adapters/sagemaker-model-registry';
import { sagemakerTrainingJobs } from '../adapters/sagemaker-training-jobs';
import { s3Client } from '../aws/s3-client';
import { sagemakerClient } from '../aws/sagemaker-client';
import type { OrchestratorConfig } from '../config/load-config';
import type { RegisterDependencies } from '../use-cases/register-trained-model';
import { orchestratorEventPublisher } from './orchestrator-event-publisher';

/** Wires model registration to the process-wide AWS clients. */
export function registerDependencies(config: OrchestratorConfig): RegisterDependencies {
  return {
    config,
    jobs: sagemakerTrainingJobs(sagemakerClient),
    events: orchestratorEventPublisher(config),
    registry: sagemakerModelRegistry(sagemakerClient),
    reports: s3ReportStore(s3Client, config.kmsKeyId),
  };
}
