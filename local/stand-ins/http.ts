import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 at a random free port. */
export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<RunningServer & { server: Server }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendAwsError(res, 500, 'InternalFailure', error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(text);
}

/** The AWS JSON protocols' error shape: `__type` in the body and the x-amzn-ErrorType header. */
export function sendAwsError(res: ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ __type: type, message, Message: message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': type,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An error a JSON 1.1 operation answers with (`ValidationException`, `ResourceInUse`, ...). */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * A JSON 1.1 service (`X-Amz-Target: <prefix>.<Operation>`): each operation is a function of the parsed
 * body; an AwsError becomes the service's error response.
 */
export function jsonService(
  targetPrefix: string,
  operations: Record<string, (input: Record<string, unknown>) => unknown | Promise<unknown>>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = await readBody(req);
    const [prefix, operation = ''] = target.split('.');
    const run = prefix === targetPrefix ? operations[operation] : undefined;
    if (!run)
      return sendAwsError(
        res,
        400,
        'UnknownOperationException',
        `${target || '(no X-Amz-Target)'} is not implemented by the local stand-in`,
      );
    let input: Record<string, unknown>;
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      return sendAwsError(res, 400, 'SerializationException', 'request body is not JSON');
    }
    try {
      sendJson(res, 200, (await run(input)) ?? {});
    } catch (error) {
      if (error instanceof AwsError) return sendAwsError(res, error.status, error.type, error.message);
      throw error;
    }
  };
}
