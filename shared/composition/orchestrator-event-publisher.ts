import { eventBridgePublisher } from '../adapters/eventbridge-publisher';
import { eventBridgeClient } from '../aws/eventbridge-client';
import type { OrchestratorConfig } from '../config/load-config';
import type { EventPublisher } from '../use-cases/ports';

/** The orchestrator's own bus and source, on the process-wide EventBridge client. */
export function orchestratorEventPublisher(config: OrchestratorConfig): EventPublisher {
  return eventBridgePublisher(eventBridgeClient, { name: config.eventBusName, source: config.eventSource });
}
