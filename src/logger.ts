// Structured JSON logs (pino) for the server; the CLI uses the same logger so one format covers both.
// The level comes from the configuration (LOG_LEVEL, src/config.ts).
import { pino } from 'pino';

export type Logger = Pick<pino.Logger, 'info' | 'warn' | 'error' | 'debug'> & {
  child(bindings: Record<string, unknown>): Logger;
};

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'recgraph' } }, pino.destination(2)) as unknown as Logger;
}
