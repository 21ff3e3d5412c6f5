/** Structured logging: one JSON object per line, so log pipelines need no parsing rules. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether a line of `level` would be written: lets a hot path skip building its fields. */
  enabled(level: LogLevel): boolean;
}

const RANK: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * A logger writing JSON lines (`{"level","time","msg",...fields}`).
 *
 * @example
 * const log = createJsonLogger('info');
 * log.info('listening', { port: 8787 });
 */
export function createJsonLogger(minLevel: LogLevel | 'silent', write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < RANK[minLevel]) return;
    write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...serializeFields(fields) })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), enabled: (level) => RANK[level] >= RANK[minLevel] };
}

/** Errors do not survive JSON.stringify; keep their name, message and stack. */
function serializeFields(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return fields;
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

/** A logger that keeps entries in memory, for tests that assert on what was logged. */
export function createMemoryLogger(): Logger & { entries: Array<LogFields & { level: LogLevel; msg: string }> } {
  const entries: Array<LogFields & { level: LogLevel; msg: string }> = [];
  const keep = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    entries.push({ level, msg, ...fields });
  };
  return { entries, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error'), enabled: () => true };
}
