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

/** --api URL, --api-key KEY or --api-key-file FILE, as `geodesic zone ...` ($GEODESIC_API_URL, $GEODESIC_API_KEY). */
export function addApiClientOptions(cmd: Command): Command {
  return cmd
    .option('--api <url>', "a running server's API (default $GEODESIC_API_URL, else http://127.0.0.1:8081)", process.env.GEODESIC_API_URL ?? 'http://127.0.0.1:8081')
    .option('--api-key <key>', 'the API key (default $GEODESIC_API_KEY)')
    .option('--api-key-file <file>', 'a file holding the API key (keeps it out of `ps`)');
}

export function apiTarget(flags: ApiClientFlags): ApiTarget {
  let key = flags.apiKey ?? process.env.GEODESIC_API_KEY ?? null;
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
    throw new Error(`${method} ${path}: ${res.status} ${msg}${res.status === 401 ? ' (give a key: --api-key, --api-key-file or $GEODESIC_API_KEY)' : ''}`);
  }
  return json as T;
}
