import { SlackWebhookRejectedError, TransientDependencyError } from '../errors';
import type { SlackMessage, SlackSender } from '../use-cases/ports';

export interface SlackWebhookOptions {
  fetch?: typeof fetch;
  /** Injected so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Per request (AbortSignal.timeout). */
  timeoutMs?: number;
  /** Tries per send, first included. */
  maxTries?: number;
  /** First backoff after a 5xx or a timeout; doubles per try. */
  backoffMs?: number;
  /** A longer Retry-After is not waited for here: the invocation fails and Lambda retries later. */
  maxRetryAfterSeconds?: number;
}

/** Statuses after which a retry cannot succeed (bad URL, deleted or archived webhook, bad payload). */
const PERMANENT_STATUS = new Set([400, 403, 404, 410]);
/** Slack's error bodies for webhooks that are gone for good. */
const PERMANENT_BODIES = [
  'invalid_token',
  'no_service',
  'no_service_id',
  'no_team',
  'channel_not_found',
  'channel_is_archived',
  'action_prohibited',
  'posting_to_general_channel_denied',
  'invalid_payload',
  'invalid_blocks',
];

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Removes the webhook URL (a secret) from any text before it reaches an error or a log. */
export const redactUrl = (text: string, url: string): string =>
  url ? text.split(url).join('[redacted webhook URL]') : text;

/**
 * Slack incoming webhooks over global fetch. 429 waits for Retry-After (bounded); 5xx, timeouts and
 * network errors back off (bounded tries); a permanent refusal throws SlackWebhookRejectedError so the
 * event is dead-lettered; running out of tries throws TransientDependencyError so Lambda retries.
 */
export function slackWebhook(options: SlackWebhookOptions = {}): SlackSender {
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxTries = options.maxTries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 10;
  return {
    async send(webhookUrl: string, message: SlackMessage) {
      const body = JSON.stringify(message);
      let last = 'no attempt';
      for (let attempt = 1; attempt <= maxTries; attempt++) {
        const lastTry = attempt === maxTries;
        let response: Response;
        try {
          // Resolved per call so a replaced global fetch (tests, local mode) is honoured.
          response = await (options.fetch ?? globalThis.fetch)(webhookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          const name = (error as { name?: string })?.name;
          last =
            name === 'TimeoutError' || name === 'AbortError'
              ? `timed out after ${timeoutMs} ms`
              : 'network error';
          if (!lastTry) await sleep(backoffMs * 2 ** (attempt - 1));
          continue;
        }
        if (response.ok) return;
        const text = redactUrl((await response.text().catch(() => '')).slice(0, 200), webhookUrl);
        if (PERMANENT_STATUS.has(response.status) || PERMANENT_BODIES.some((code) => text.includes(code)))
          throw new SlackWebhookRejectedError(
            `Slack refused the webhook: HTTP ${response.status} ${text}`.trim(),
            {
              status: response.status,
              body: text,
            },
          );
        last = `HTTP ${response.status} ${text}`.trim();
        if (lastTry) break;
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get('retry-after') ?? '1');
          const seconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : 1;
          if (seconds > maxRetryAfter)
            throw new TransientDependencyError(`Slack rate-limited the webhook for ${seconds}s`, {
              status: 429,
              retryAfter: seconds,
            });
          await sleep(seconds * 1000);
        } else {
          await sleep(backoffMs * 2 ** (attempt - 1));
        }
      }
      throw new TransientDependencyError(`Slack webhook failed after ${maxTries} tries: ${last}`, { last });
    },
  };
}
