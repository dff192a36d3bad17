import type { ServerResponse } from 'node:http';
import { listen, type RunningServer, readBody } from './http';

export interface FiredSchedule {
  name: string;
  groupName: string;
  targetArn: string;
  input: unknown;
  at: string;
  firedAt: string;
}

export interface SchedulerStandIn extends RunningServer {
  readonly created: {
    name: string;
    groupName: string;
    expression: string;
    targetArn: string;
    createdAt: string;
  }[];
  readonly fired: FiredSchedule[];
  /** Schedules created but not fired yet. */
  pending(): number;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

function restError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ Message: message });
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(body);
}

/**
 * EventBridge Scheduler (REST-JSON): CreateSchedule with `at(...)` one-time expressions, GetSchedule,
 * DeleteSchedule. When the time comes it invokes the target function with the schedule's Input.
 * `timeScale` compresses waiting: 1/120 turns a 120-second backoff into one second.
 */
export async function startScheduler(options: {
  region: string;
  account: string;
  timeScale: number;
  invoke: (targetArn: string, input: unknown) => void;
}): Promise<SchedulerStandIn> {
  const schedules = new Map<
    string,
    { body: Record<string, unknown>; timer: NodeJS.Timeout | undefined; arn: string }
  >();
  const created: SchedulerStandIn['created'] = [];
  const fired: FiredSchedule[] = [];
  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1])
      return restError(
        res,
        404,
        'ResourceNotFoundException',
        `${req.method} ${url.pathname} is not implemented by the local stand-in`,
      );
    const name = decodeURIComponent(match[1]);
    const bodyText = await readBody(req);
    const groupName = url.searchParams.get('groupName') ?? 'default';
    const id = `${groupName}/${name}`;
    if (req.method === 'GET') {
      const schedule = schedules.get(id);
      if (!schedule)
        return restError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          ...schedule.body,
          Name: name,
          GroupName: groupName,
          Arn: schedule.arn,
          State: 'ENABLED',
        }),
      );
    }
    if (req.method === 'DELETE') {
      const schedule = schedules.get(id);
      if (!schedule)
        return restError(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      clearTimeout(schedule.timer);
      schedules.delete(id);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{}');
    }
    if (req.method !== 'POST')
      return restError(res, 405, 'ValidationException', `${req.method} is not supported`);
    const body = JSON.parse(bodyText || '{}') as Record<string, unknown>;
    const groupInBody = typeof body.GroupName === 'string' ? body.GroupName : groupName;
    const key = `${groupInBody}/${name}`;
    const target = body.Target as { Arn?: string; RoleArn?: string; Input?: string } | undefined;
    const expression = String(body.ScheduleExpression ?? '');
    const problems: string[] = [];
    if (!NAME.test(name))
      problems.push(
        `Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
      );
    if (!body.FlexibleTimeWindow)
      problems.push(
        "Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null",
      );
    if (!target?.Arn || !target.RoleArn)
      problems.push(
        "Value null at 'target.arn' or 'target.roleArn' failed to satisfy constraint: Member must not be null",
      );
    const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
    if (!at?.[1])
      problems.push(
        `Invalid Schedule Expression ${expression}: the local stand-in runs at(yyyy-mm-ddThh:mm:ss) one-time schedules only`,
      );
    const zone = String(body.ScheduleExpressionTimezone ?? 'UTC');
    if (zone !== 'UTC')
      problems.push(`ScheduleExpressionTimezone ${zone}: the local stand-in supports UTC only`);
    if (problems.length) return restError(res, 400, 'ValidationException', problems.join('; '));
    if (schedules.has(key))
      return restError(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
    const when = new Date(`${at?.[1]}Z`);
    const arn = `arn:aws:scheduler:${options.region}:${options.account}:schedule/${groupInBody}/${name}`;
    const delayMs = Math.max(0, when.getTime() - Date.now()) * options.timeScale;
    const entry: { body: Record<string, unknown>; timer: NodeJS.Timeout | undefined; arn: string } = {
      body,
      timer: undefined,
      arn,
    };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      let input: unknown = {};
      try {
        input = target?.Input ? JSON.parse(target.Input) : {};
      } catch {
        input = target?.Input;
      }
      fired.push({
        name,
        groupName: groupInBody,
        targetArn: target?.Arn ?? '',
        input,
        at: when.toISOString(),
        firedAt: new Date().toISOString(),
      });
      if (body.ActionAfterCompletion === 'DELETE') schedules.delete(key);
      options.invoke(target?.Arn ?? '', input);
    }, delayMs);
    schedules.set(key, entry);
    created.push({
      name,
      groupName: groupInBody,
      expression,
      targetArn: target?.Arn ?? '',
      createdAt: new Date().toISOString(),
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ScheduleArn: arn }));
  });
  return {
    ...server,
    created,
    fired,
    pending: () => [...schedules.values()].filter((s) => s.timer).length,
    close: async () => {
      for (const schedule of schedules.values()) clearTimeout(schedule.timer);
      await server.close();
    },
  };
}
