import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { FunctionSpec } from './serverless-template';

export interface Invocation {
  function: string;
  requestId: string;
  source: string;
  attempt: number;
  startedAt: string;
  ms: number;
  result?: unknown;
  error?: string;
}

export interface DeadLetter {
  function: string;
  source: string;
  event: unknown;
  error: string;
  attempts: number;
  at: string;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * Runs the functions' handlers in this process as Lambda's asynchronous invocation does: a thrown error
 * is retried (maximumRetryAttempts from serverless.yml, 2 by default) after a delay, then the event goes
 * to the dead-letter list. A handler module is imported on first use, after the environment is set.
 */
export class LambdaRuntime {
  readonly invocations: Invocation[] = [];
  readonly deadLetters: DeadLetter[] = [];
  private readonly handlers = new Map<string, Promise<Handler>>();
  private inFlight = 0;

  constructor(
    private readonly functions: FunctionSpec[],
    private readonly options: {
      region: string;
      account: string;
      /** Delay before retry n (1-based), in ms; Lambda waits about a minute, then two. */
      retryDelayMs: (retry: number) => number;
      onInvocation?: (invocation: Invocation) => void;
    },
  ) {}

  /** Invocations running or waiting for a retry. */
  busy(): number {
    return this.inFlight;
  }

  find(keyOrName: string): FunctionSpec | undefined {
    return this.functions.find((fn) => fn.key === keyOrName || fn.name === keyOrName);
  }

  private load(fn: FunctionSpec): Promise<Handler> {
    let loaded = this.handlers.get(fn.key);
    if (!loaded) {
      loaded = import(pathToFileURL(fn.handlerFile).href).then((module: Record<string, unknown>) => {
        const handler = module[fn.exportName];
        if (typeof handler !== 'function')
          throw new Error(`${fn.handlerFile} does not export a function named ${fn.exportName}`);
        return handler as Handler;
      });
      this.handlers.set(fn.key, loaded);
    }
    return loaded;
  }

  private context(fn: FunctionSpec, requestId: string) {
    const deadline = Date.now() + 60_000;
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: '256',
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `local/${requestId}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }

  /** One synchronous invocation (no retries); resolves with the handler's result or rejects. */
  async invoke(keyOrName: string, event: unknown, source = 'direct', attempt = 1): Promise<unknown> {
    const fn = this.find(keyOrName);
    if (!fn) throw new Error(`no function ${keyOrName} in serverless.yml`);
    const requestId = randomUUID();
    const started = Date.now();
    const invocation: Invocation = {
      function: fn.key,
      requestId,
      source,
      attempt,
      startedAt: new Date(started).toISOString(),
      ms: 0,
    };
    try {
      const handler = await this.load(fn);
      invocation.result = await handler(structuredClone(event), this.context(fn, requestId));
      return invocation.result;
    } catch (error) {
      invocation.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw error;
    } finally {
      invocation.ms = Date.now() - started;
      this.invocations.push(invocation);
      this.options.onInvocation?.(invocation);
    }
  }

  /** Asynchronous invocation (EventBridge, Scheduler): retried, then dead-lettered; never throws. */
  invokeAsync(keyOrName: string, event: unknown, source: string): void {
    const fn = this.find(keyOrName);
    this.inFlight++;
    const maxAttempts = 1 + (fn?.maximumRetryAttempts ?? 2);
    const attemptOnce = async (attempt: number): Promise<void> => {
      try {
        await this.invoke(keyOrName, event, source, attempt);
      } catch (error) {
        if (fn && attempt < maxAttempts) {
          await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs(attempt)));
          return attemptOnce(attempt + 1);
        }
        this.deadLetters.push({
          function: fn?.key ?? keyOrName,
          source,
          event,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          attempts: attempt,
          at: new Date().toISOString(),
        });
      }
    };
    // Lambda starts an asynchronous invocation after the caller got its 202.
    setImmediate(() => {
      attemptOnce(1).finally(() => this.inFlight--);
    });
  }
}
