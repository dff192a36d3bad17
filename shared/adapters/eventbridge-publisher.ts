import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { OrchestratorEvent } from '../domain/orchestrator-events';
import { TransientDependencyError } from '../errors';
import type { EventPublisher } from '../use-cases/ports';

/** PutEvents accepts at most 10 entries a call. */
const BATCH = 10;

/** Publishes to the orchestrator bus; a partly failed PutEvents is an error so the platform retries. */
export function eventBridgePublisher(
  client: EventBridgeClient,
  bus: { name: string; source: string },
): EventPublisher {
  return {
    async publish(events: readonly OrchestratorEvent[]) {
      for (let i = 0; i < events.length; i += BATCH) {
        const batch = events.slice(i, i + BATCH);
        const result = await client.send(
          new PutEventsCommand({
            Entries: batch.map((event) => ({
              EventBusName: bus.name,
              Source: bus.source,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
            })),
          }),
        );
        if ((result.FailedEntryCount ?? 0) > 0) {
          const failures = (result.Entries ?? []).filter((entry) => entry.ErrorCode);
          throw new TransientDependencyError(
            `PutEvents rejected ${result.FailedEntryCount} of ${batch.length} events`,
            {
              errors: failures.map((entry) => `${entry.ErrorCode}: ${entry.ErrorMessage}`),
            },
          );
        }
      }
    },
  };
}
