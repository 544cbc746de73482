import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { CheckSpec } from './check.js';
import { PDNS_USER_AGENT } from './check.js';

/** The outcome of one probe: ok, with a weight when an HTTP body was an integer (pickselfweighted). */
export interface ProbeResult {
  ok: boolean;
  /** > 0: the body's number (PowerDNS weight); 0: none. */
  weight: number;
  error: string | null;
  ms: number;
}

type Check = Exclude<CheckSpec, { kind: 'heartbeat' }>;

/** Runs one active check, never longer than timeoutMs; never throws. */
export async function probe(check: Check, timeoutMs: number): Promise<ProbeResult> {
  const start = performance.now();
  try {
    let weight = 0;
    if (check.kind === 'tcp') await tcp(check.address, check.port, check.source, timeoutMs);
    else if (check.kind === 'tls') await tls(check, timeoutMs);
    else weight = await http(check, timeoutMs);
    return { ok: true, weight, error: null, ms: performance.now() - start };
  } catch (err) {
    return { ok: false, weight: 0, error: (err as Error).message, ms: performance.now() - start };
  }
}

function withTimeout<T>(timeoutMs: number, what: string, run: (done: (err: Error | null, v?: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let cleanup: () => void = () => {};
    const finish = (err: Error | null, v?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      if (err !== null) reject(err); else resolve(v as T);
    };
    const timer = setTimeout(() => finish(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    cleanup = run(finish);
    if (settled) cleanup();
  });
}

function tcp(host: string, port: number, source: string | undefined, timeoutMs: number): Promise<void> {
  return withTimeout(timeoutMs, 'TCP connect', (done) => {
    const s = netConnect({ host, port, localAddress: source });
    s.once('connect', () => done(null));
    s.once('error', (err) => done(new Error(`TCP connect: ${err.message}`)));
    return () => s.destroy();
  });
}

function tls(c: Extract<CheckSpec, { kind: 'tls' }>, timeoutMs: number): Promise<void> {
  return withTimeout(timeoutMs, 'TLS handshake', (done) => {
    const raw = c.source === undefined ? undefined : netConnect({ host: c.address, port: c.port, localAddress: c.source });
    const s = tlsConnect({
      host: c.address, port: c.port, socket: raw, rejectUnauthorized: c.verify === true,
      servername: c.serverName !== undefined && isIP(c.serverName) === 0 ? c.serverName : undefined,
    });
    s.once('secureConnect', () => done(null));
    s.once('error', (err) => done(new Error(`TLS handshake: ${err.message}`)));
    return () => { s.destroy(); raw?.destroy(); };
  });
}

const MAX_REDIRECTS = 5;
const MAX_BODY = 1 << 20;

/** GET the URL at the address (Host and SNI from the URL); follows redirects as curl -L does. */
function http(c: Extract<CheckSpec, { kind: 'http' }>, timeoutMs: number): Promise<number> {
  const want = c.status ?? 200;
  return withTimeout(timeoutMs, `HTTP GET ${c.url}`, (done) => {
    let current: ReturnType<typeof httpRequest> | null = null;
    const get = (url: URL, hops: number): void => {
      const https = url.protocol === 'https:';
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      const sameSite = url.host === new URL(c.url).host;
      const headers: Record<string, string> = { 'User-Agent': c.userAgent ?? PDNS_USER_AGENT, Accept: '*/*' };
      for (const [k, v] of Object.entries(c.headers ?? {})) headers[k.replaceAll('_', '-')] = v;
      headers.Host = url.host;
      const req = (https ? httpsRequest : httpRequest)({
        host: c.address !== null && sameSite ? c.address : hostname,
        port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
        path: `${url.pathname}${url.search}`, method: 'GET', headers, agent: false, localAddress: c.source,
        ...(https ? { servername: isIP(hostname) === 0 ? hostname : undefined, rejectUnauthorized: c.verify === true } : {}),
      });
      current = req;
      req.once('error', (err) => done(new Error(`HTTP GET ${url.href}: ${err.message}`)));
      req.once('response', (res: IncomingMessage) => {
        const code = res.statusCode ?? 0;
        const location = res.headers.location;
        if (code >= 300 && code < 400 && location !== undefined && hops < MAX_REDIRECTS) {
          res.resume();
          get(new URL(location, url), hops + 1);
          return;
        }
        if (code !== want) {
          res.resume();
          done(new Error(`HTTP GET ${url.href}: status ${code}, expected ${want}`));
          return;
        }
        const limit = c.bytesLimit !== undefined && c.bytesLimit > 0 ? c.bytesLimit : MAX_BODY;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          const body = Buffer.concat(chunks).subarray(0, limit).toString('latin1');
          if (c.match !== undefined && !body.includes(c.match)) {
            done(new Error(`HTTP GET ${url.href}: body does not contain "${c.match}"`));
            return;
          }
          // std::stoi: optional blanks, sign, digits
          const m = /^\s*([+-]?\d+)/.exec(body);
          const w = m === null ? 0 : Number(m[1]);
          done(null, Number.isSafeInteger(w) && w > 0 ? w : 0);
        };
        res.on('data', (b: Buffer) => {
          chunks.push(b);
          size += b.length;
          if (size >= limit) { res.destroy(); finish(); }
        });
        res.once('end', finish);
        res.once('error', (err) => done(new Error(`HTTP GET ${url.href}: ${err.message}`)));
      });
      req.end();
    };
    get(new URL(c.url), 0);
    return () => current?.destroy();
  });
}
