import { SageMaker } from '@aws-sdk/client-sagemaker';

/** The baseline bundle: a Lambda that loads the aggregated SageMaker client (every operation's command). */
export const sagemaker = new SageMaker({});
