import { SSMClient } from '@aws-sdk/client-ssm';

/** One SSM client per process (Parameter Store; also reads Secrets Manager secrets by reference). */
export const ssmClient = new SSMClient({});
