/**
 * Structured logs: one JSON object per line, through the console, so Lambda adds its timestamp, request
 * id and level to each line and the local mode can capture it. Powertools' logger does this and more, at
 * about 20 KiB of bundle and 2 ms of cold start per function that nothing here used; the bench measures
 * it. Never log the Slack webhook or other secrets.
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 };
const SERVICE = 'gpu-training-orchestrator';

export const isLogLevel = (value: string): value is LogLevel => value in RANK;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  setLevel(level: LogLevel): void;
}

function createLogger(initial: LogLevel): Logger {
  let threshold = RANK[initial];
  const write =
    (level: Exclude<LogLevel, 'SILENT'>, sink: (line: string) => void) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (RANK[level] < threshold) return;
      sink(JSON.stringify({ level, message, service: SERVICE, ...fields }, errorsAsObjects));
    };
  return {
    debug: write('DEBUG', (line) => console.debug(line)),
    info: write('INFO', (line) => console.info(line)),
    warn: write('WARN', (line) => console.warn(line)),
    error: write('ERROR', (line) => console.error(line)),
    setLevel: (level) => {
      threshold = RANK[level];
    },
  };
}

/** JSON.stringify drops an Error's fields; keep its name, message and cause. */
function errorsAsObjects(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, cause: value.cause };
  return value;
}

/** The process-wide logger; its level comes from LOG_LEVEL when the configuration is read. */
export const logger = createLogger('INFO');
