import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The team kit's real AWS sample events live beside the repository: ../shared/fixtures/aws-events. */
const FIXTURES = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'aws-events',
);

export type AwsFixture =
  | 's3-object-created-eventbridge.awsdocs.json'
  | 's3-put-notification.aws-lambda-go.json'
  | 'sagemaker-state-change-completed.awsdocs.json'
  | 'sagemaker-model-package-state-change.awsdocs.json'
  | 'scheduled-event.aws-sam-cli.template.json';

/** A fresh deep copy of a sample event, to derive variants from. */
export function awsFixture<T = Record<string, unknown>>(name: AwsFixture): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}
