/**
 * HTTP for the API differential tests: one request as data (method, path, headers, body) sent with
 * node:http, so a test controls every header (PowerDNS-Admin sends JSON without a Content-Type) and the
 * exact body bytes (bodies that are not JSON, bodies over 2 MiB).
 */
import { request as httpRequest } from 'node:http';

/** Bodies from this size on are sent after a pause for an early refusal (see send). */
const BIG = 1 << 20;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/api/v1/servers/localhost/zones?zone=example.org.`. */
  path: string;
  /** Extra headers. `X-API-Key` is added unless `noKey` is set or the headers already name a key. */
  headers?: Record<string, string>;
  /** A value sent as JSON (with Content-Type: application/json unless `headers` say otherwise), or raw text/bytes. */
  body?: unknown;
  /** Send `body` as these exact bytes (a string or Buffer), with no Content-Type unless `headers` give one. */
  raw?: boolean;
  noKey?: boolean;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  /** The parsed JSON body, the text when it is not JSON, or null when empty. */
  body: unknown;
  text: string;
}

export interface Target {
  name: string;
  /** `http://127.0.0.1:PORT` */
  base: string;
  key: string;
}

/** Sends one request; bounded by `timeoutMs`. Rejects only when the connection fails. */
export function send(target: Target, req: ApiRequest, timeoutMs = 15_000): Promise<ApiResponse> {
  const url = new URL(req.path, target.base);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  const hasKey = Object.keys(headers).some((h) => h.toLowerCase() === 'x-api-key');
  if (!req.noKey && !hasKey) headers['X-API-Key'] = target.key;
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    if (req.raw) payload = Buffer.isBuffer(req.body) ? req.body : Buffer.from(String(req.body));
    else {
      payload = Buffer.from(JSON.stringify(req.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    let answered: { status: number; contentType: string; chunks: Buffer[] } | undefined;
    const finish = (): void => {
      if (answered === undefined) return;
      const text = Buffer.concat(answered.chunks).toString('utf8');
      let body: unknown = text === '' ? null : text;
      if (text !== '') { try { body = JSON.parse(text); } catch { /* not JSON: keep the text */ } }
      resolve({ status: answered.status, contentType: answered.contentType, body, text });
    };
    const r = httpRequest(url, { method: req.method, headers, timeout: timeoutMs }, (res) => {
      answered = { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), chunks: [] };
      res.on('data', (c: Buffer) => answered?.chunks.push(c));
      res.on('end', finish);
      res.on('error', finish);
    });
    r.on('timeout', () => r.destroy(new Error(`${target.name}: ${req.method} ${req.path} took over ${timeoutMs} ms`)));
    // A server may answer (413) and close while a large body is still being written: the answer counts.
    r.on('error', (err) => { if (answered !== undefined) finish(); else reject(err); });
    if (payload === undefined) r.end();
    else if (payload.length < BIG) r.end(payload);
    else {
      // A server that refuses by Content-Length answers before reading the body and closes; writing the body
      // then races with that close (ECONNRESET may come before the answer is read). Headers first, a short
      // wait for such an early answer, then the body.
      r.flushHeaders();
      setTimeout(() => { if (answered === undefined) r.end(payload); else r.destroy(); }, 300);
    }
  });
}
