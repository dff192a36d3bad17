import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (an esbuild `alias` in
 * serverless.yml `custom.esbuild`): Lambda hands every function its execution role's credentials in
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the first link of the SDK's default chain,
 * so the rest of the chain (SSO, INI files, credential process, web identity, container and instance
 * metadata, and the STS/SSO clients they pull in) is dead weight there. Tests and the local mode run the
 * sources through tsx and keep the full default chain.
 */
export const defaultProvider =
  (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> =>
  async () => {
    try {
      return await fromEnv(init)();
    } catch (error) {
      throw new Error(
        'no AWS credentials in the environment: this bundle reads only the variables Lambda sets ' +
          '(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); outside Lambda, remove the ' +
          "'@aws-sdk/credential-provider-node' alias from custom.esbuild in serverless.yml",
        { cause: error },
      );
    }
  };
