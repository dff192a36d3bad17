import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; level from POWERTOOLS_LOG_LEVEL. Never log the Slack webhook or other secrets. */
export const logger = new Logger({ serviceName: 'gpu-training-orchestrator' });
