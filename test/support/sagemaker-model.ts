import assert from 'node:assert/strict';
import { validateAgainstModel } from '../../local/aws-api-model/validate-request';

/** Asserts a request passes the official SageMaker API model's constraints (botocore's service-2.json). */
export function assertValidSageMakerRequest(operation: string, input: unknown): void {
  const problems = validateAgainstModel(operation, input);
  assert.deepEqual(problems, [], `${operation} breaks the SageMaker API model:\n${problems.join('\n')}`);
}
