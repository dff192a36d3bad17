import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SlackWebhookRejectedError } from '../errors';
import type { WebhookUrlSource } from '../use-cases/ports';

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/;

/**
 * The parameter name to read: an SSM name as given, or a Secrets Manager ARN through Parameter Store's
 * `/aws/reference/secretsmanager/` path (GetParameter with decryption), so one SSM client reads both
 * and @aws-sdk/client-secrets-manager, which the project does not ship, is not needed.
 */
export function parameterName(setting: string): string {
  if (SECRET_ARN.test(setting)) return `/aws/reference/secretsmanager/${setting}`;
  return setting;
}

/**
 * The Slack webhook URL, read at run time (SecureString, decrypted) and cached for maxAgeSeconds, so it
 * never sits in the template, the environment or a log. No setting: undefined (log-only mode).
 */
export function webhookUrlSource(
  provider: Pick<SSMProvider, 'get'>,
  setting: string | undefined,
  maxAgeSeconds = 300,
): WebhookUrlSource {
  if (!setting) return async () => undefined;
  const name = parameterName(setting);
  return async () => {
    const value = (await provider.get(name, { decrypt: true, maxAge: maxAgeSeconds }))?.trim();
    if (!value) return undefined;
    if (!/^https?:\/\/[^\s]+$/.test(value))
      // Never echo the value: it is a secret even when it is a wrong one.
      throw new SlackWebhookRejectedError(`the parameter ${setting} does not hold an http(s) webhook URL`, {
        parameter: setting,
      });
    return value;
  };
}
