/**
 * Errors of the native module. src/native imports nothing from src/, so this mirrors lib's AppError
 * shape: a stable `code` (GDNS_ERR_*) for programs, `syscallCode` (EADDRINUSE...) and `cause`.
 */
export class UdpBindError extends Error {
  readonly code = 'GDNS_ERR_UDP_BIND';
  readonly syscallCode: string;
  constructor(host: string, port: number, cause: unknown) {
    const sys = syscallCodeOf(cause);
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`cannot open UDP ${formatHostPort(host, port)}: ${sys} (${detail})`, { cause });
    this.name = 'UdpBindError';
    this.syscallCode = sys;
  }
}

function syscallCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
