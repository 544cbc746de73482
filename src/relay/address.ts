import { RelayError, RelayErrorCode } from './errors.js';

/** Parses `HOST:PORT`, `[V6]:PORT` or `:PORT` (all addresses, `::`). */
export function parseHostPort(s: string, what: string, defaultHost = '::'): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new RelayError(RelayErrorCode.config, `${what}: "${s}" is not HOST:PORT`);
  const host = m[1] ?? (m[2] || defaultHost);
  return { host, port };
}
