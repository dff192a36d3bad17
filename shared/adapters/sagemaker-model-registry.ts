import { CreateModelPackageCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ModelRegistry } from '../use-cases/ports';

/** The Model Registry on SageMaker. Retries are safe: the request carries a deterministic ClientToken. */
export function sagemakerModelRegistry(client: SageMakerClient): ModelRegistry {
  return {
    async createModelPackage(input) {
      const result = await client.send(new CreateModelPackageCommand(input));
      if (!result.ModelPackageArn) throw new Error('CreateModelPackage returned no ModelPackageArn');
      return { modelPackageArn: result.ModelPackageArn };
    },
  };
}
