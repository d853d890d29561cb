import type { LogLevel } from './config.js';

/** One JSON object per line: easy to grep, and what log collectors expect. */
export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  enabled(level: LogLevel): boolean;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const enabled = (l: LogLevel) => RANK[l] >= RANK[level];
  const log = (l: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (!enabled(l)) return;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...fields });
    } catch {
      line = JSON.stringify({ time: new Date().toISOString(), level: l, msg, note: 'fields were not serialisable' });
    }
    write(`${line}\n`);
  };
  return { level, enabled, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (tests of single modules). */
export const silentLogger: Logger = createLogger('error', () => {});
