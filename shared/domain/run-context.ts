import { datasetUri } from './dataset-location';
import { trainingJobName } from './job-naming';
import { jobLinks, type RunContext } from './orchestrator-events';
import type { TrainingRun } from './training-run';

export interface RunContextSettings {
  region: string;
  jobNamePrefix: string;
  maxAttempts: number;
  instanceCount: number;
}

/** The part of every orchestrator event that says which run, attempt, dataset and job it is about. */
export function runContext(settings: RunContextSettings, run: TrainingRun): RunContext {
  const jobName = trainingJobName(settings.jobNamePrefix, run.datasetVersion.dataset, run.runId, run.attempt);
  return {
    runId: run.runId,
    jobName,
    attempt: run.attempt,
    maxAttempts: settings.maxAttempts,
    trigger: run.trigger,
    dataset: {
      name: run.datasetVersion.dataset,
      version: run.datasetVersion.version,
      uri: datasetUri(run.datasetVersion),
    },
    instanceType: run.instanceType,
    instanceCount: settings.instanceCount,
    spot: run.spot,
    links: jobLinks(settings.region, jobName),
  };
}
