import type { OrchestratorConfig } from '../config/load-config';
import type { OutcomeDependencies } from '../use-cases/handle-training-outcome';
import { launchDependencies } from './launch-dependencies';

/** The retry function's dependencies: the launch path plus a random source for backoff jitter. */
export function outcomeDependencies(config: OrchestratorConfig): OutcomeDependencies {
  return { ...launchDependencies(config), random: () => Math.random() };
}
