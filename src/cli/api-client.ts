import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

/** How a CLI command reaches a running server's HTTP API. */
export interface ApiTarget {
  url: string;
  key: string | null;
}

export interface ApiClientFlags {
  api: string;
  apiKey?: string;
  apiKeyFile?: string;
}

/** --api URL, --api-key-file FILE (or GEODESIC_API_KEY); keys on the command line show in `ps`, so no --api-key. */
export function addApiClientOptions(cmd: Command): Command {
  return cmd
    .option('--api <url>', "the running server's HTTP API", process.env.GEODESIC_API ?? 'http://127.0.0.1:8081')
    .option('--api-key-file <file>', 'file holding an API key (default: $GEODESIC_API_KEY)');
}

export function apiTarget(flags: ApiClientFlags): ApiTarget {
  let key = process.env.GEODESIC_API_KEY ?? null;
  if (flags.apiKeyFile !== undefined) key = readFileSync(flags.apiKeyFile, 'utf8').trim();
  return { url: flags.api.replace(/\/+$/, ''), key };
}

/** One API call; throws an Error carrying the API's own message (`{"error": ...}`). */
export async function apiCall<T>(t: ApiTarget, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, {
      method,
      headers: { ...(t.key === null ? {} : { 'X-API-Key': t.key }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new Error(`cannot reach the API at ${t.url} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}); is "geodesic serve --api-listen" running there?`);
  }
  const text = await res.text();
  let json: unknown = null;
  try { json = text === '' ? null : JSON.parse(text); } catch { json = text; }
  if (!res.ok) {
    const msg = typeof json === 'object' && json !== null && 'error' in json ? String((json as { error: unknown }).error) : text;
    throw new Error(`${method} ${path}: ${res.status} ${msg}${res.status === 401 ? ' (give a key: --api-key-file FILE or GEODESIC_API_KEY)' : ''}`);
  }
  return json as T;
}
