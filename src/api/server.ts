import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Catalog } from '../catalog/index.js';
import { zoneName } from '../catalog/index.js';
import { keyOf } from '../zone/index.js';
import { nameFromText } from '../wire/index.js';
import type { ApiContext, ApiDeps } from './context.js';
import type { Authenticator, Principal } from './principal.js';
import { scopesAllow } from './scope.js';
import type { Access } from './scope.js';
import { AllowFrom, DEFAULT_ALLOW_FROM } from './allow-from.js';
import { ApiError, toApiError, unprocessable } from './errors.js';
import { ROUTES } from './routes/index.js';
import { registerDocs } from './docs.js';

/** PowerDNS's webserver-max-bodysize default: 2 MiB. */
export const BODY_LIMIT = 2 * 1024 * 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'deny',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '1; mode=block',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'",
};

/**
 * Builds the HTTP API (not yet listening: `app.listen`, or `app.inject` in tests). PowerDNS 4.7's
 * /api/v1 routes and error shapes, Geodesic's keys with scopes, allow-from, the OpenAPI document, and
 * the route plugins of src/api/routes/index.ts followed by `deps.plugins`.
 */
export async function createApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // Zone ids are names of up to 255 octets, more with =XX escapes (Fastify's default stops at 100).
    routerOptions: { maxParamLength: 1024 },
    ...(deps.logger !== undefined && deps.logger !== null && deps.logger !== false
      ? { loggerInstance: deps.logger as never, disableRequestLogging: true } : { logger: false }),
    ...(deps.https !== undefined ? { https: { cert: deps.https.cert, key: deps.https.key } } : {}),
    // Route schemas document the API (OpenAPI); bodies are checked by the handlers, with PowerDNS's messages.
    ajv: { customOptions: { strict: false } },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // PowerDNS reads a JSON body whatever the Content-Type says (curl --data sends form encoding).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') { done(null, undefined); return; }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new ApiError(400, null), undefined);
    }
  });

  const allow = new AllowFrom(deps.allowFrom ?? DEFAULT_ALLOW_FROM);
  const authenticators: Authenticator[] = [];
  const ctx = makeContext(deps, authenticators);
  const failures = new FailureWindow(FAILURES_PER_MINUTE);

  app.addHook('onRequest', async (req, reply) => {
    if (!allow.allows(req.socket.remoteAddress)) {
      throw new ApiError(403, `${req.socket.remoteAddress ?? 'this client'} is not in the API's allow-from networks`);
    }
    if (req.url.startsWith('/api')) {
      void reply.headers({ 'access-control-allow-origin': '*' });
      if (req.method === 'OPTIONS') {
        await reply.code(200).headers({
          'access-control-allow-headers': 'Content-Type, X-API-Key',
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'access-control-max-age': '3600', 'content-type': 'text/plain',
        }).send('');
        return reply;
      }
      void reply.headers(SECURITY_HEADERS);
    }
    if (req.is404 || req.routeOptions.config.public === true) return;
    if (/[?&]api-key=/i.test(req.url)) {
      throw new ApiError(401, 'an API key in the URL is refused (URLs end up in logs): send it in the X-API-Key header');
    }
    const client = req.socket.remoteAddress ?? '';
    if (failures.blocked(client)) throw new ApiError(429, `too many refused API keys from ${client}: wait a minute`);
    try {
      req.principal = await authenticate(req, deps, authenticators);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) failures.note(client);
      // One line per refused request, with the client, for operators (and fail2ban).
      req.log.warn({ event: 'api-auth-failed', client: req.socket.remoteAddress, url: req.url.split('?')[0] }, 'API request without a valid key or session');
      throw err;
    }
  });

  app.setErrorHandler((err: unknown, req, reply) => sendError(toApiErrorFromFastify(err), req, reply));
  app.addHook('onSend', async (_req, reply, payload) => {
    if (reply.statusCode === 204) reply.removeHeader('content-type');
    return payload;
  });

  // PowerDNS answers 405 to a known path with another method (Fastify would say 404).
  const known: { method: string; re: RegExp }[] = [];
  app.addHook('onRoute', (r) => {
    const pattern = r.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]+/g, '[^/]+').replace(/\*/g, '.*');
    for (const m of [r.method].flat()) known.push({ method: m, re: new RegExp(`^${pattern}$`) });
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const other = known.some((k) => k.method !== req.method && k.method !== 'HEAD' && k.re.test(path));
    return sendError(new ApiError(other ? 405 : 404, null), req, reply);
  });
  await registerDocs(app, deps);
  for (const plugin of [...ROUTES, ...(deps.plugins ?? [])]) {
    await app.register(async (child) => plugin(child, ctx));
  }
  return app;
}

/** Refused authentications a client may have in a minute before it gets 429 for the rest of it. */
export const FAILURES_PER_MINUTE = 30;

/** Counts refused authentications per client address over one-minute windows (guessing keys gets slow). */
class FailureWindow {
  private counts = new Map<string, number>();
  private start = Date.now();
  constructor(private readonly limit: number) {}

  private roll(): void {
    if (Date.now() - this.start < 60_000) return;
    this.counts = new Map();
    this.start = Date.now();
  }

  blocked(client: string): boolean {
    this.roll();
    return (this.counts.get(client) ?? 0) >= this.limit;
  }

  note(client: string): void {
    this.roll();
    this.counts.set(client, (this.counts.get(client) ?? 0) + 1);
  }
}

async function authenticate(req: FastifyRequest, deps: ApiDeps, authenticators: readonly Authenticator[]): Promise<Principal> {
  const header = req.headers['x-api-key'];
  if (header !== undefined) {
    const p = await deps.keys.authenticate(Array.isArray(header) ? header[0] ?? '' : header);
    if (p !== undefined) return p;
    throw new ApiError(401, null);
  }
  for (const a of authenticators) {
    const p = await a(req);
    if (p !== undefined) return p;
  }
  throw new ApiError(401, null);
}

function toApiErrorFromFastify(err: unknown): ApiError {
  const e = err as { statusCode?: number; code?: string; message?: string };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError(413, `the request body is larger than ${BODY_LIMIT} bytes (2 MiB)`);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new ApiError(400, null);
  if (e.code?.startsWith('FST_ERR_') === true && typeof e.statusCode === 'number' && e.statusCode < 500) {
    return new ApiError(e.statusCode, e.message ?? null);
  }
  return toApiError(err);
}

/**
 * Always `{"error": ...}` as JSON (PowerDNS 4.7 sends bare 400/401/404 as text unless asked for JSON;
 * PowerDNS-Admin and issue 6 want JSON everywhere).
 */
function sendError(err: ApiError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.status === 401) void reply.header('www-authenticate', 'X-API-Key realm="PowerDNS"');
  if (err.status >= 500) req.log.error({ err: err.cause ?? err }, err.message);
  return reply.code(err.status).type('application/json').send(JSON.stringify({ error: err.message }));
}

function makeContext(deps: ApiDeps, authenticators: Authenticator[]): ApiContext {
  const serverId = deps.serverId ?? 'localhost';
  const may = (req: FastifyRequest, access: Access): boolean => req.principal !== undefined && scopesAllow(req.principal.scopes, access);
  return {
    deps,
    serverId,
    catalog(): Catalog {
      if (deps.catalog === null) throw unprocessable('no zone store is configured (start with --data DIR or --db URL); zone files are read-only');
      return deps.catalog;
    },
    authorize(req, access) {
      const p = req.principal;
      if (p === undefined) throw new ApiError(401, null);
      if (!scopesAllow(p.scopes, access)) throw new ApiError(403, describeRefusal(p, access));
      return p;
    },
    may,
    addAuthenticator(fn) { authenticators.push(fn); },
    settled: () => deps.catalog?.settled() ?? Promise.resolve(),
    zoneSource(name) {
      let key: string;
      try { key = keyOf(nameFromText(zoneName(name))); } catch { return undefined; }
      if (deps.fileZones().get(key) !== undefined) return 'file';
      return deps.catalog?.zones.get(key) !== undefined ? 'store' : undefined;
    },
  };
}

function describeRefusal(p: Principal, a: Access): string {
  const what = a.zone === undefined ? 'server-wide settings' : [a.zone, a.name, a.type].filter((x) => x !== undefined).join(' ');
  return `${p.kind} "${p.label}" may not ${a.write ? 'change' : 'read'} ${what} (outside its scopes)`;
}
