import { RelayError, RelayErrorCode } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `"5s"`, `"250ms"`, `"10m"`, `"1h"` or a number of milliseconds → milliseconds. `0` means "off". */
export function durationMs(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v.trim());
    if (m) return Math.round(Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000));
  }
  throw new RelayError(RelayErrorCode.config, `${what}: "${String(v)}" is not a duration (e.g. 5s, 250ms, 10m)`);
}
