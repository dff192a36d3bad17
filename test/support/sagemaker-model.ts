import assert from 'node:assert/strict';
import { CreateModelPackageCommand, CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { validateAgainstModel } from '../../local/aws-api-model/validate-request';

/** Asserts a request passes the official SageMaker API model's constraints (botocore's service-2.json). */
export function assertValidSageMakerRequest(operation: string, input: unknown): void {
  const problems = validateAgainstModel(operation, input);
  assert.deepEqual(problems, [], `${operation} breaks the SageMaker API model:\n${problems.join('\n')}`);
}

/** Every CreateTrainingJob and CreateModelPackage a test made must pass the API model: call in afterEach. */
export function assertEveryRequestValid(sagemaker: {
  commandCalls(command: unknown): Array<{ args: [{ input: unknown }] }>;
}): void {
  for (const [operation, command] of [
    ['CreateTrainingJob', CreateTrainingJobCommand],
    ['CreateModelPackage', CreateModelPackageCommand],
  ] as const)
    for (const call of sagemaker.commandCalls(command))
      assertValidSageMakerRequest(operation, call.args[0].input);
}
