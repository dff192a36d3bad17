import { AwsError, jsonService, listen, type RunningServer } from './http';

/** SSM Parameter Store, GetParameter(s) only: serves the values it was given (the Slack webhook URL). */
export async function startSsm(
  parameters: Map<string, string>,
  options: { region: string; account: string },
): Promise<RunningServer> {
  const describe = (name: string) => {
    const value = parameters.get(name);
    if (value === undefined) return undefined;
    return {
      Name: name,
      Type: 'SecureString',
      Value: value,
      Version: 1,
      LastModifiedDate: Date.now() / 1000,
      ARN: `arn:aws:ssm:${options.region}:${options.account}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
      DataType: 'text',
    };
  };
  return listen(
    jsonService('AmazonSSM', {
      GetParameter: (input) => {
        const parameter = describe(String(input.Name ?? ''));
        if (!parameter) throw new AwsError('ParameterNotFound', `Parameter ${String(input.Name)} not found.`);
        return { Parameter: parameter };
      },
      GetParameters: (input) => {
        const names = (input.Names as string[] | undefined) ?? [];
        return {
          Parameters: names.map(describe).filter(Boolean),
          InvalidParameters: names.filter((name) => !parameters.has(name)),
        };
      },
    }),
  );
}
