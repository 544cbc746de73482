import { pino } from 'pino';
import type { Logger } from 'pino';

/** JSON lines on standard error (standard output stays for command results). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination(2));
}
