import * as v from 'valibot';
import { InvalidManifestError } from '../errors';

/**
 * manifest.json: the readiness marker of a dataset version, and the only place a dataset may tune its
 * run. It may set channels, allow-listed hyperparameters, an instance type from the ladder and the input
 * mode. It never chooses the role, the image, the output location or network settings.
 */
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]{1,64}$/;
const RELATIVE_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\\]{1,512}$/;
/** SageMaker limits: 100 hyperparameters, keys up to 256 characters, values up to 2,500. */
export const HYPERPARAMETER_LIMITS = { count: 100, keyLength: 256, valueLength: 2500 } as const;

const InputMode = v.picklist(['File', 'FastFile']);
const ChannelSchema = v.union([
  v.pipe(v.string(), v.regex(RELATIVE_PATH, 'must be a relative path inside the dataset version')),
  v.strictObject({
    path: v.pipe(v.string(), v.regex(RELATIVE_PATH, 'must be a relative path inside the dataset version')),
    inputMode: v.optional(InputMode),
  }),
]);

const FORBIDDEN_KEYS = [
  'role',
  'roleArn',
  'RoleArn',
  'image',
  'trainingImage',
  'TrainingImage',
  'output',
  'outputPath',
  'OutputDataConfig',
  'vpc',
  'VpcConfig',
  'network',
  'networkIsolation',
  'EnableNetworkIsolation',
] as const;

export const ManifestSchema = v.strictObject({
  description: v.optional(v.pipe(v.string(), v.maxLength(256))),
  channels: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(CHANNEL_NAME, 'channel names are 1-64 of [A-Za-z0-9.-_]')),
        ChannelSchema,
      ),
      v.check((channels) => Object.keys(channels).length <= 20, 'at most 20 channels'),
    ),
  ),
  hyperparameters: v.optional(
    v.record(
      v.pipe(v.string(), v.minLength(1), v.maxLength(HYPERPARAMETER_LIMITS.keyLength)),
      v.union([v.pipe(v.string(), v.maxLength(HYPERPARAMETER_LIMITS.valueLength)), v.number(), v.boolean()]),
    ),
  ),
  instanceType: v.optional(v.string()),
  inputMode: v.optional(InputMode),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;

export interface ManifestPolicy {
  maxBytes: number;
  allowedHyperparameters: readonly string[];
  allowedInstanceTypes: readonly string[];
}

/** Parses and checks a manifest body against the deployment's allow-lists. Throws InvalidManifestError. */
export function parseManifest(body: string, byteLength: number, policy: ManifestPolicy): Manifest {
  if (byteLength > policy.maxBytes)
    throw new InvalidManifestError(`manifest.json is ${byteLength} bytes; the limit is ${policy.maxBytes}`, {
      byteLength,
      limit: policy.maxBytes,
    });
  let json: unknown;
  try {
    json = body.trim() === '' ? {} : JSON.parse(body);
  } catch (error) {
    throw new InvalidManifestError(`manifest.json is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InvalidManifestError('manifest.json is invalid: it must be a JSON object, e.g. {}');
  {
    const forbidden = FORBIDDEN_KEYS.filter((key) => key in json);
    if (forbidden.length > 0)
      throw new InvalidManifestError(
        `manifest.json may not set ${forbidden.join(', ')}: the role, image, output location and network are fixed by the deployment`,
        { forbidden },
      );
  }
  const result = v.safeParse(ManifestSchema, json);
  if (!result.success) {
    const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
    throw new InvalidManifestError(`manifest.json is invalid: ${issues.join('; ')}`, { issues });
  }
  const manifest = result.output;
  const notAllowed = Object.keys(manifest.hyperparameters ?? {}).filter(
    (key) => !policy.allowedHyperparameters.includes(key),
  );
  if (notAllowed.length > 0)
    throw new InvalidManifestError(
      `manifest.json sets hyperparameters that are not allow-listed: ${notAllowed.join(', ')} (allowed: ${policy.allowedHyperparameters.join(', ')})`,
      { notAllowed },
    );
  if (manifest.instanceType !== undefined && !policy.allowedInstanceTypes.includes(manifest.instanceType))
    throw new InvalidManifestError(
      `manifest.json asks for ${manifest.instanceType}, which is not on the instance-type ladder (${policy.allowedInstanceTypes.join(', ')})`,
      { instanceType: manifest.instanceType },
    );
  return manifest;
}
