import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, type Tags } from 'yaml';
import type { EventPattern } from './stand-ins/event-pattern';

/**
 * Reads serverless.yml (and the files it includes) the way the local mode needs it: which functions
 * exist and where their handlers are, which events reach them (EventBridge patterns, schedules, also
 * AWS::Events::Rule resources), and the functions' environment. Serverless variables (`${self:...}`,
 * `${param:...}`, `${sls:stage}`, `${opt:...}`, `${file(...)}`) and the CloudFormation intrinsics used
 * (!Ref, !GetAtt, !Sub, !If, !Equals, !Not, !And, !Or, !Select, !Split, !Join) are resolved against
 * local physical names, so the deployed template stays the one source of truth.
 */

const intrinsic = (name: string) => (value: unknown) => ({ [name]: value });
const seqTag = (tag: string, name: string) => ({
  tag,
  collection: 'seq' as const,
  resolve: (node: { toJSON(): unknown }) => ({ [name]: node.toJSON() }),
});
const mapTag = (tag: string, name: string) => ({
  tag,
  collection: 'map' as const,
  resolve: (node: { toJSON(): unknown }) => ({ [name]: node.toJSON() }),
});
const CF_TAGS: Tags = [
  { tag: '!Ref', resolve: intrinsic('Ref') },
  { tag: '!Condition', resolve: intrinsic('Condition') },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  seqTag('!GetAtt', 'Fn::GetAtt'),
  { tag: '!Sub', resolve: intrinsic('Fn::Sub') },
  seqTag('!Sub', 'Fn::Sub'),
  { tag: '!ImportValue', resolve: intrinsic('Fn::ImportValue') },
  { tag: '!Base64', resolve: intrinsic('Fn::Base64') },
  { tag: '!GetAZs', resolve: intrinsic('Fn::GetAZs') },
  ...['If', 'Equals', 'Not', 'And', 'Or', 'Select', 'Split', 'Join', 'FindInMap', 'Cidr'].map((name) =>
    seqTag(`!${name}`, `Fn::${name}`),
  ),
  mapTag('!Transform', 'Fn::Transform'),
];

export interface EventBridgeTrigger {
  kind: 'eventBridge';
  bus: string;
  pattern: EventPattern;
}

export interface ScheduleTrigger {
  kind: 'schedule';
  expression: string;
  input: unknown;
  ruleName: string;
}

export interface FunctionSpec {
  /** The key under `functions:` (e.g. startTraining). */
  key: string;
  /** Deployed name: `<service>-<stage>-<key>` unless `name:` is set. */
  name: string;
  arn: string;
  /** Absolute path of the handler module and its export. */
  handlerFile: string;
  exportName: string;
  maximumRetryAttempts: number;
  triggers: (EventBridgeTrigger | ScheduleTrigger)[];
}

export interface LocalTemplate {
  service: string;
  stage: string;
  functions: FunctionSpec[];
  /** Environment of the functions: provider.environment merged with every function's own. */
  environment: Record<string, string>;
  /** EventBridge buses the template creates. */
  buses: string[];
  buckets: Record<string, string>;
  tables: string[];
  params: Record<string, string>;
  custom: Record<string, unknown>;
  /** Physical name of a resource by logical id. */
  physicalName(logicalId: string): string;
  functionByArn(arn: string): FunctionSpec | undefined;
}

type Json = unknown;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readYaml(file: string): Json {
  return parse(readFileSync(file, 'utf8'), { customTags: CF_TAGS, logLevel: 'error' });
}

function getPath(root: Json, path: string): Json {
  let node = root;
  for (const part of path.split('.').filter(Boolean)) {
    if (!isRecord(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function loadServerlessTemplate(options: {
  file: string;
  stage: string;
  region: string;
  account: string;
  /** Overrides of `params.default`, as `params.<stage>` would give them. */
  params?: Record<string, string>;
}): LocalTemplate {
  if (!existsSync(options.file))
    throw new Error(`${options.file} not found: the local mode reads its functions and event rules from it`);
  const base = dirname(resolve(options.file));
  const raw = readYaml(options.file) as Record<string, unknown>;
  const paramsSection = isRecord(raw.params) ? raw.params : {};
  const params: Record<string, string> = {
    ...(isRecord(paramsSection.default) ? (paramsSection.default as Record<string, string>) : {}),
    ...(isRecord(paramsSection[options.stage])
      ? (paramsSection[options.stage] as Record<string, string>)
      : {}),
    ...options.params,
  };
  const { stage, region, account } = options;

  // Pass 1: Serverless variables, innermost first, until nothing changes.
  const resolveVariable = (body: string, doc: Record<string, unknown>): Json => {
    const [source, ...fallbackParts] = splitTopLevel(body);
    const fallback = fallbackParts.length ? unquote(fallbackParts.join(',').trim()) : undefined;
    const value = ((): Json => {
      const text = (source ?? '').trim();
      const file = /^file\((.+?)\)(?::(.+))?$/.exec(text);
      if (file?.[1]) {
        const included = readYaml(join(base, file[1].trim()));
        return file[2] ? getPath(included, file[2]) : included;
      }
      const [kind, ...rest] = text.split(':');
      const path = rest.join(':');
      switch (kind) {
        case 'self':
          return getPath(doc, path);
        case 'param':
          return params[path];
        case 'sls':
          return path === 'stage' ? stage : path === 'instanceId' ? 'local' : undefined;
        case 'opt':
          return path === 'stage' ? stage : path === 'region' ? region : undefined;
        case 'aws':
          return path === 'region' ? region : path === 'accountId' ? account : undefined;
        case 'env':
          return process.env[path];
        default:
          return undefined;
      }
    })();
    return value === undefined || value === null ? fallback : value;
  };
  let doc: Record<string, unknown> = raw;
  for (let pass = 0; pass < 20; pass++) {
    let changed = false;
    const visit = (node: Json): Json => {
      if (typeof node === 'string') {
        const whole = /^\$\{((?:self|param|sls|opt|aws|env|file)[:(][^${}]*)\}$/.exec(node);
        if (whole?.[1]) {
          const value = resolveVariable(whole[1], doc);
          if (value !== undefined) {
            changed = true;
            return value;
          }
          return node;
        }
        return node.replace(
          /\$\{((?:self|param|sls|opt|aws|env|file)[:(][^${}]*)\}/g,
          (match, body: string) => {
            const value = resolveVariable(body, doc);
            if (value === undefined || isRecord(value) || Array.isArray(value)) return match;
            changed = true;
            return String(value);
          },
        );
      }
      if (Array.isArray(node)) return node.map(visit);
      if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
      return node;
    };
    doc = visit(doc) as Record<string, unknown>;
    if (!changed) break;
  }

  const service = String(doc.service);
  const custom = isRecord(doc.custom) ? doc.custom : {};
  const resourcesSection = isRecord(doc.resources) ? doc.resources : {};
  const resources = (isRecord(resourcesSection.Resources) ? resourcesSection.Resources : {}) as Record<
    string,
    Record<string, unknown>
  >;
  const conditions = (isRecord(resourcesSection.Conditions) ? resourcesSection.Conditions : {}) as Record<
    string,
    Json
  >;
  const functionsSection = (isRecord(doc.functions) ? doc.functions : {}) as Record<
    string,
    Record<string, unknown>
  >;
  const functionName = (key: string): string =>
    String(functionsSection[key]?.name ?? `${service}-${stage}-${key}`);
  const functionKeyByLogicalId = new Map(
    Object.keys(functionsSection).map((key) => [
      `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`,
      key,
    ]),
  );

  // Pass 2: CloudFormation intrinsics against local physical names.
  const pseudo: Record<string, string> = {
    'AWS::Region': region,
    'AWS::AccountId': account,
    'AWS::Partition': 'aws',
    'AWS::StackName': `${service}-${stage}`,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NoValue': '',
  };
  const physicalName = (id: string): string => {
    if (pseudo[id] !== undefined) return pseudo[id];
    if (params[id] !== undefined) return params[id];
    const fnKey = functionKeyByLogicalId.get(id);
    if (fnKey) return functionName(fnKey);
    const props = resources[id]?.Properties;
    if (isRecord(props)) {
      for (const field of [
        'Name',
        'BucketName',
        'TableName',
        'QueueName',
        'RoleName',
        'TopicName',
        'FunctionName',
        'ModelPackageGroupName',
      ]) {
        if (props[field] !== undefined) return String(cf(props[field]));
      }
    }
    return `${service}-${stage}-${id}`;
  };
  const arnOf = (id: string): string => {
    const fnKey = functionKeyByLogicalId.get(id);
    if (fnKey) return `arn:aws:lambda:${region}:${account}:function:${functionName(fnKey)}`;
    const type = String(resources[id]?.Type ?? '');
    const name = physicalName(id);
    const arnByType: Record<string, string> = {
      'AWS::Events::EventBus': `arn:aws:events:${region}:${account}:event-bus/${name}`,
      'AWS::S3::Bucket': `arn:aws:s3:::${name}`,
      'AWS::SQS::Queue': `arn:aws:sqs:${region}:${account}:${name}`,
      'AWS::IAM::Role': `arn:aws:iam::${account}:role/${name}`,
      'AWS::DynamoDB::Table': `arn:aws:dynamodb:${region}:${account}:table/${name}`,
      'AWS::Scheduler::ScheduleGroup': `arn:aws:scheduler:${region}:${account}:schedule-group/${name}`,
      'AWS::KMS::Key': `arn:aws:kms:${region}:${account}:key/${name}`,
      'AWS::SageMaker::ModelPackageGroup': `arn:aws:sagemaker:${region}:${account}:model-package-group/${name.toLowerCase()}`,
    };
    return arnByType[type] ?? `arn:aws:local:${region}:${account}:${name}`;
  };
  const condition = (name: string): boolean => Boolean(cf(conditions[name]));
  const cf = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(cf);
    if (!isRecord(node)) return node;
    const keys = Object.keys(node);
    if (keys.length !== 1) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, cf(v)]));
    const [key] = keys as [string];
    const arg = node[key];
    const list = (): Json[] => (Array.isArray(arg) ? arg : [arg]);
    switch (key) {
      case 'Ref':
        return physicalName(String(arg));
      case 'Condition':
        return condition(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = (Array.isArray(arg) ? arg : String(arg).split('.')).map(String);
        if (attribute === 'Arn') return arnOf(id ?? '');
        return physicalName(id ?? '');
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const bound = isRecord(vars) ? vars : {};
        return String(template).replace(/\$\{([^}]+)\}/g, (_match, ref: string) => {
          if (bound[ref] !== undefined) return String(cf(bound[ref]));
          const [id, attribute] = ref.split('.');
          return attribute === 'Arn' ? arnOf(id ?? '') : physicalName(id ?? '');
        });
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = list();
        return cf(condition(String(name)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = list().map(cf);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !cf(list()[0]);
      case 'Fn::And':
        return list().every((item) => cf(item));
      case 'Fn::Or':
        return list().some((item) => cf(item));
      case 'Fn::Select': {
        const [index, items] = list();
        return (cf(items) as Json[])[Number(cf(index))];
      }
      case 'Fn::Split': {
        const [separator, text] = list();
        return String(cf(text)).split(String(separator));
      }
      case 'Fn::Join': {
        const [separator, items] = list();
        return (cf(items) as Json[]).map(String).join(String(separator));
      }
      default:
        return { [key]: cf(arg) };
    }
  };

  const provider = isRecord(doc.provider) ? doc.provider : {};
  const environment: Record<string, string> = {};
  const addEnvironment = (env: Json) => {
    if (!isRecord(env)) return;
    for (const [name, value] of Object.entries(env)) environment[name] = String(cf(value) ?? '');
  };
  addEnvironment(provider.environment);

  const functions: FunctionSpec[] = Object.entries(functionsSection).map(([key, spec]) => {
    addEnvironment(spec.environment);
    const handler = String(spec.handler ?? '');
    const dot = handler.lastIndexOf('.');
    const modulePath = handler.slice(0, dot);
    const file =
      ['.ts', '.mts', '.js', '.mjs']
        .map((ext) => join(base, `${modulePath}${ext}`))
        .find((path) => existsSync(path)) ?? join(base, `${modulePath}.ts`);
    const triggers: FunctionSpec['triggers'] = [];
    for (const event of (spec.events as Record<string, unknown>[] | undefined) ?? []) {
      const eventBridge = isRecord(event.eventBridge) ? event.eventBridge : undefined;
      if (eventBridge?.pattern) {
        const busRef = eventBridge.eventBus === undefined ? 'default' : String(cf(eventBridge.eventBus));
        triggers.push({
          kind: 'eventBridge',
          bus: busRef.startsWith('arn:') ? (busRef.split('/').pop() ?? busRef) : busRef,
          pattern: cf(eventBridge.pattern) as EventPattern,
        });
      }
      const schedule = eventBridge?.schedule ?? event.schedule;
      if (schedule !== undefined) {
        const spec = isRecord(schedule) ? schedule : { rate: schedule };
        const rate = Array.isArray(spec.rate) ? spec.rate : [spec.rate];
        for (const expression of rate)
          triggers.push({
            kind: 'schedule',
            expression: String(cf(expression)),
            input: cf(spec.input ?? eventBridge?.input),
            ruleName: `${functionName(key)}-schedule`,
          });
      }
    }
    return {
      key,
      name: functionName(key),
      arn: `arn:aws:lambda:${region}:${account}:function:${functionName(key)}`,
      handlerFile: file,
      exportName: handler.slice(dot + 1),
      maximumRetryAttempts: Number(spec.maximumRetryAttempts ?? 2),
      triggers,
    };
  });

  // Rules written as resources (e.g. a schedule that exists only when a parameter enables it).
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Events::Rule' || !isRecord(resource.Properties)) continue;
    if (typeof resource.Condition === 'string' && !condition(resource.Condition)) continue;
    const props = resource.Properties;
    for (const target of (props.Targets as Record<string, unknown>[] | undefined) ?? []) {
      const arn = String(cf(target.Arn));
      const fn = functions.find((candidate) => candidate.arn === arn);
      if (!fn) continue;
      if (props.ScheduleExpression)
        fn.triggers.push({
          kind: 'schedule',
          expression: String(cf(props.ScheduleExpression)),
          input: target.Input ? JSON.parse(String(cf(target.Input))) : undefined,
          ruleName: String(props.Name ? cf(props.Name) : id),
        });
      if (props.EventPattern)
        fn.triggers.push({
          kind: 'eventBridge',
          bus: props.EventBusName
            ? (String(cf(props.EventBusName)).split('/').pop() ?? 'default')
            : 'default',
          pattern: cf(props.EventPattern) as EventPattern,
        });
    }
  }

  const byType = (type: string) =>
    Object.entries(resources).filter(
      ([, r]) => r.Type === type && (typeof r.Condition !== 'string' || condition(r.Condition)),
    );
  return {
    service,
    stage,
    functions,
    environment,
    buses: byType('AWS::Events::EventBus').map(([id]) => physicalName(id)),
    buckets: Object.fromEntries(byType('AWS::S3::Bucket').map(([id]) => [id, physicalName(id)])),
    tables: byType('AWS::DynamoDB::Table').map(([id]) => physicalName(id)),
    params,
    custom,
    physicalName,
    functionByArn: (arn) => {
      const name = arn
        .replace(/:(\$LATEST|[a-zA-Z0-9_-]+)$/, (match) => (arn.split(':').length > 7 ? '' : match))
        .split(':')
        .pop();
      return functions.find((fn) => fn.name === name || fn.key === name || fn.arn === arn);
    },
  };
}

/** Splits `a, 'b,c'` at top-level commas (Serverless variable fallbacks). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

const unquote = (text: string): string => text.replace(/^(['"])(.*)\1$/, '$2');
