import { renderSlackMessage } from '../domain/render-slack-message';
import type { ParsedOrchestratorEvent } from '../events/orchestrator-event';
import type { SlackMessage, SlackSender, WebhookUrlSource } from './ports';

export interface NotifyDependencies {
  webhookUrl: WebhookUrlSource;
  slack: SlackSender;
  /** Where the payload goes in log-only mode (no webhook configured). */
  logOnly: (message: SlackMessage) => void;
}

export type NotifyOutcome = { outcome: 'sent' | 'logged'; detailType: string; blocks: number };

/**
 * An orchestrator event -> one Slack message.
 * 1. Render the Block Kit message (pure; within Slack's limits).
 * 2. Read the webhook URL (SSM SecureString or Secrets Manager via SSM, cached). None: log the payload.
 * 3. POST it: 429 honours Retry-After, 5xx and timeouts back off (bounded); a permanent refusal
 *    (404/410, invalid_token, channel_not_found, ...) is dead-lettered, never retried forever.
 * Duplicates (same detail-type, job or run, attempt) are dropped before this by the idempotency store.
 * Emits nothing.
 */
export async function notifySlack(
  deps: NotifyDependencies,
  event: ParsedOrchestratorEvent,
): Promise<NotifyOutcome> {
  const message = renderSlackMessage(event.detailType, event.detail);
  const url = await deps.webhookUrl();
  if (!url) {
    deps.logOnly(message);
    return { outcome: 'logged', detailType: event.detailType, blocks: message.blocks.length };
  }
  await deps.slack.send(url, message);
  return { outcome: 'sent', detailType: event.detailType, blocks: message.blocks.length };
}
