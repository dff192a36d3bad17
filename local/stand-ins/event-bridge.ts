import { randomUUID } from 'node:crypto';
import { type EventPattern, matchesPattern } from './event-pattern';
import { AwsError, jsonService, listen, type RunningServer } from './http';

export interface AwsEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface Rule {
  bus: string;
  pattern: EventPattern;
  /** Function key the rule targets. */
  target: string;
}

export interface PublishedEvent {
  bus: string;
  event: AwsEvent;
  targets: string[];
}

export interface EventBridgeStandIn extends RunningServer {
  readonly published: PublishedEvent[];
  /** Puts an AWS service's own event (aws.s3, aws.sagemaker) on a bus, as the service would. */
  emit(
    bus: string,
    event: Omit<AwsEvent, 'version' | 'id' | 'account' | 'region' | 'time'> & { time?: string },
  ): AwsEvent;
}

/** `2021-11-12T00:00:00Z`: EventBridge times have no milliseconds. */
export const eventTime = (date = new Date()): string => `${date.toISOString().slice(0, 19)}Z`;

/**
 * EventBridge (AWS JSON 1.1, `AWSEvents.PutEvents`): named buses, rules routed by event pattern to
 * functions. Delivery is asynchronous, as with EventBridge; `deliver` receives the target and the event.
 */
export async function startEventBridge(options: {
  buses: string[];
  rules: Rule[];
  region: string;
  account: string;
  deliver: (target: string, event: AwsEvent) => void;
}): Promise<EventBridgeStandIn> {
  const buses = new Set(['default', ...options.buses]);
  const published: PublishedEvent[] = [];
  const busName = (nameOrArn: unknown): string => {
    const text = typeof nameOrArn === 'string' && nameOrArn ? nameOrArn : 'default';
    return text.startsWith('arn:') ? (text.split('/').pop() ?? text) : text;
  };
  const route = (bus: string, event: AwsEvent): void => {
    const targets = options.rules
      .filter((rule) => rule.bus === bus && matchesPattern(rule.pattern, event))
      .map((rule) => rule.target);
    published.push({ bus, event, targets: [...new Set(targets)] });
    for (const target of new Set(targets)) options.deliver(target, structuredClone(event));
  };
  const envelope = (
    fields: Pick<AwsEvent, 'detail-type' | 'source' | 'resources' | 'detail'> & { time?: string },
  ): AwsEvent => ({
    version: '0',
    id: randomUUID(),
    'detail-type': fields['detail-type'],
    source: fields.source,
    account: options.account,
    time: fields.time ?? eventTime(),
    region: options.region,
    resources: fields.resources,
    detail: fields.detail,
  });

  const server = await listen(
    jsonService('AWSEvents', {
      PutEvents: (input) => {
        const entries = (input.Entries as Record<string, unknown>[] | undefined) ?? [];
        if (entries.length < 1 || entries.length > 10)
          throw new AwsError(
            'ValidationException',
            `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10`,
          );
        const results = entries.map((entry) => {
          const bus = busName(entry.EventBusName);
          if (!buses.has(bus))
            return {
              ErrorCode: 'ResourceNotFoundException',
              ErrorMessage: `Event bus ${bus} does not exist.`,
            };
          if (
            typeof entry.Source !== 'string' ||
            !entry.Source ||
            typeof entry.DetailType !== 'string' ||
            !entry.DetailType
          )
            return {
              ErrorCode: 'InvalidArgument',
              ErrorMessage: 'Parameters Source and DetailType are required.',
            };
          if (entry.Source.startsWith('aws.'))
            return {
              ErrorCode: 'NotAuthorizedForSourceException',
              ErrorMessage: `Not authorized for the source ${entry.Source}.`,
            };
          let detail: unknown;
          try {
            detail = JSON.parse(String(entry.Detail ?? ''));
          } catch {
            return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
          }
          if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
            return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
          const event = envelope({
            'detail-type': entry.DetailType,
            source: entry.Source,
            resources: (entry.Resources as string[] | undefined) ?? [],
            detail: detail as Record<string, unknown>,
            ...(entry.Time ? { time: eventTime(new Date(Number(entry.Time) * 1000)) } : {}),
          });
          route(bus, event);
          return { EventId: event.id };
        });
        return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
      },
    }),
  );
  return {
    ...server,
    published,
    emit(bus, fields) {
      const event = envelope(fields);
      route(bus, event);
      return event;
    },
  };
}
