import { SageMakerClient } from '@aws-sdk/client-sagemaker';

/** One SageMaker client per process; endpoints come from the SDK's own settings (AWS_ENDPOINT_URL_SAGEMAKER). */
export const sagemakerClient = new SageMakerClient({});
