import { AppError } from '../lib/index.js';
import type { ListenAddress } from './config.js';

export class ConfigError extends AppError {
  constructor(message: string) {
    super('GDNS_ERR_CONFIG', message);
  }
}

/** `127.0.0.1:5300`, `[::1]:5300`, `::1` (port 53) or `5300` (all addresses? no: 127.0.0.1). */
export function parseListen(text: string, where: string): ListenAddress {
  let host: string;
  let port: string;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) {
    host = v6[1]!;
    port = v6[2] ?? '53';
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text;
    port = '53';
  } else if (/^\d+$/.test(text)) {
    host = '127.0.0.1';
    port = text;
  } else {
    const i = text.lastIndexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    port = i < 0 ? '53' : text.slice(i + 1);
  }
  const p = Number(port);
  if (host === '' || !Number.isInteger(p) || p < 0 || p > 65535) {
    throw new ConfigError(`${where}: "${text}" is not ADDRESS:PORT (e.g. 127.0.0.1:5300 or [::1]:5300)`);
  }
  return { host, port: p };
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10s`, `500ms`, `2m`, or a number of seconds. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number' && value >= 0) return value * 1000;
  const m = typeof value === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim()) : null;
  if (!m) throw new ConfigError(`${where}: "${String(value)}" is not a duration (e.g. 10s, 500ms, 2m)`);
  return Number(m[1]) * UNITS[m[2] ?? 's']!;
}
