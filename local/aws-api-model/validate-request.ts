import { existsSync, readFileSync } from 'node:fs';

/**
 * Checks a SageMaker request against the constraints of the official API model (botocore's
 * service-2.json, shipped by Debian's python3-botocore), the way SageMaker's front end rejects a request
 * with a ValidationException before anything runs: required members, string lengths and patterns, enums,
 * number ranges, list and map sizes, nested structures. The SDK's TypeScript types check none of these.
 *
 * Members the model does not know are accepted: the SDK may be newer than the model.
 */

export const DEFAULT_SAGEMAKER_MODEL_PATHS = [
  '/usr/lib/python3/dist-packages/botocore/data/sagemaker/2017-07-24/service-2.json',
  '/usr/share/python3/dist-packages/botocore/data/sagemaker/2017-07-24/service-2.json',
];

interface ShapeRef {
  shape: string;
}

interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

interface ServiceModel {
  operations: Record<string, { input?: ShapeRef }>;
  shapes: Record<string, Shape>;
}

let model: ServiceModel | undefined;
let modelPath: string | undefined;
/** Compiled patterns by source; null = the Java regex has no JavaScript equivalent and is skipped. */
const patterns = new Map<string, RegExp | null>();

/** Uses another copy of the model (tests, other distributions). Resets the loaded one. */
export function useServiceModel(path: string): void {
  modelPath = path;
  model = undefined;
}

function loadModel(): ServiceModel {
  if (model) return model;
  const path = modelPath ?? DEFAULT_SAGEMAKER_MODEL_PATHS.find((candidate) => existsSync(candidate));
  if (!path || !existsSync(path))
    throw new Error(
      'The SageMaker API model (botocore service-2.json) was not found. On Debian/Ubuntu: apt-get install -y python3-botocore',
    );
  model = JSON.parse(readFileSync(path, 'utf8')) as ServiceModel;
  return model;
}

/** The model's patterns are Java regexes, matched against the whole value. */
function compilePattern(source: string): RegExp | null {
  const known = patterns.get(source);
  if (known !== undefined) return known;
  let compiled: RegExp | null = null;
  for (const flags of ['u', '']) {
    if (flags === '' && /\\p\{/.test(source)) break;
    try {
      compiled = new RegExp(`^(?:${source})$`, flags);
      break;
    } catch {
      // try the next flags, else skip this pattern
    }
  }
  patterns.set(source, compiled);
  return compiled;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function check(shapeName: string, value: unknown, path: string, problems: string[]): void {
  const shape = loadModel().shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  const fail = (why: string): void => {
    problems.push(`Value ${show(value)} at '${path}' failed to satisfy constraint: ${why}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('Member must be a structure');
        return;
      }
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? [])
        if (record[name] === undefined || record[name] === null)
          problems.push(
            `Value null at '${path ? `${path}.` : ''}${name}' failed to satisfy constraint: Member must not be null`,
          );
      for (const [name, ref] of Object.entries(shape.members ?? {}))
        check(ref.shape, record[name], path ? `${path}.${name}` : name, problems);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        fail('Member must be a list');
        return;
      }
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      const member = shape.member?.shape;
      if (member)
        for (const [i, item] of value.entries()) check(member, item, `${path}.${i + 1}.member`, problems);
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('Member must be a map');
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && entries.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      for (const [key, item] of entries) {
        if (shape.key) check(shape.key.shape, key, `${path}.key`, problems);
        if (shape.value) check(shape.value.shape, item, `${path}.${key}`, problems);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        fail('Member must be a string');
        return;
      }
      if (shape.min !== undefined && value.length < shape.min)
        fail(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        fail(`Member must have length less than or equal to ${shape.max}`);
      if (shape.enum && !shape.enum.includes(value))
        fail(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      if (shape.pattern) {
        const regex = compilePattern(shape.pattern);
        if (regex && !regex.test(value))
          fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail('Member must be a number');
        return;
      }
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value)) {
        fail('Member must be an integer');
        return;
      }
      if (shape.min !== undefined && value < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('Member must be a boolean');
      return;
    case 'timestamp':
      if (!(value instanceof Date) && typeof value !== 'number' && typeof value !== 'string')
        fail('Member must be a timestamp');
      return;
    default:
      return;
  }
}

/**
 * The problems SageMaker would report for `input` to `operationName` (e.g. 'CreateTrainingJob'),
 * in SageMaker's own wording; an empty list means the request is valid. Throws for an unknown operation.
 */
export function validateAgainstModel(operationName: string, input: unknown): string[] {
  const operation = loadModel().operations[operationName];
  if (!operation) throw new Error(`SageMaker has no operation named ${operationName}`);
  const problems: string[] = [];
  if (operation.input) check(operation.input.shape, input ?? {}, '', problems);
  return problems;
}
