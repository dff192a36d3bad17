import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { slackWebhook } from '../adapters/slack-webhook';
import { webhookUrlSource } from '../adapters/webhook-url-source';
import { ssmClient } from '../aws/ssm-client';
import type { OrchestratorConfig } from '../config/load-config';
import { logger } from '../logger';
import type { NotifyDependencies } from '../use-cases/notify-slack';

/** Wires the notifier: webhook URL from SSM (cached 5 minutes), Slack over fetch, log-only fallback. */
export function notifyDependencies(config: OrchestratorConfig): NotifyDependencies {
  return {
    webhookUrl: webhookUrlSource(
      new SSMProvider({ awsSdkV3Client: ssmClient }),
      config.slackWebhookParameter,
    ),
    slack: slackWebhook(),
    logOnly: (message) =>
      logger.info('log-only mode (SLACK_WEBHOOK_PARAMETER is empty): Slack payload', { message }),
  };
}
