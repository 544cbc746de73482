import type { FastifyRequest } from 'fastify';
import { compileRule, luaContentCode, ruleOfCode } from '../../geo/index.js';
import { HealthError } from '../../health/index.js';
import type { HealthPlane, Override } from '../../health/index.js';
import type { ApiContext, ApiPlugin } from '../context.js';
import { ApiError, notFound, unprocessable } from '../errors.js';

/**
 * The health plane over HTTP (docs/health.md): target states with history, endpoint overrides (drain,
 * force-up), the states another nameserver follows, heartbeats, and the declarative geo record form.
 */
export const healthRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}`;
  const plane = (): HealthPlane => {
    const p = ctx.deps.services?.health;
    if (p === undefined) throw unprocessable('the health plane is not running (LUA records off?)');
    return p;
  };
  const read = (req: FastifyRequest): void => { ctx.authorize(req, { write: false }); };

  app.get(`${base}/health`, async (req) => {
    read(req);
    const p = plane();
    return { targets: p.list(), overrides: p.overridesList() };
  });
  // What a secondary polls for agreement (health.follow): key, state, weight, since.
  app.get(`${base}/health/states`, async (req) => {
    read(req);
    return plane().remoteStates();
  });
  app.get<{ Params: { name: string } }>(`${base}/endpoints/:name`, async (req) => {
    read(req);
    const p = plane();
    const name = req.params.name;
    const targets = p.find(name);
    const override = p.override(name);
    if (targets.length === 0 && override === null) throw notFound(`no endpoint or address "${name}" is watched`);
    return { name, override, targets };
  });
  app.put<{ Params: { name: string }; Body: unknown }>(`${base}/endpoints/:name`, async (req) => {
    ctx.authorize(req, { write: true });
    const body = (req.body ?? {}) as { override?: unknown; reason?: unknown };
    const o = body.override;
    if (o !== null && o !== 'drain' && o !== 'force-up') throw unprocessable('"override" must be "drain", "force-up" or null');
    if (body.reason !== undefined && typeof body.reason !== 'string') throw unprocessable('"reason" must be a string');
    const p = plane();
    const targets = p.setOverride(req.params.name, o as Override | null, (body.reason as string | undefined) ?? '');
    return { name: req.params.name, override: p.override(req.params.name), targets };
  });
  app.post<{ Params: { token: string } }>('/api/v1/heartbeat/:token', { config: { public: true } }, async (req, reply) => {
    const name = plane().heartbeat(req.params.token);
    if (name === null) throw notFound('unknown heartbeat token');
    return reply.code(200).send({ endpoint: name });
  });
  app.post<{ Body: unknown }>(`${base}/geo/compile`, async (req) => compile(ctx, req));
  app.post<{ Body: unknown }>(`${base}/geo/parse`, async (req) => {
    read(req);
    const content = (req.body as { content?: unknown } | null)?.content;
    if (typeof content !== 'string') throw unprocessable('"content" must be the content of a LUA record');
    const c = luaContentCode(content);
    return { type: c?.type ?? null, rule: c === null ? null : ruleOfCode(c.code) };
  });
};

/** POST .../geo/compile {type: "A", rule: {...}} → {content} for a LUA record (PowerDNS API content). */
async function compile(ctx: ApiContext, req: FastifyRequest): Promise<{ type: string; content: string; lua: string }> {
  ctx.authorize(req, { write: false });
  const body = req.body as { type?: unknown; rule?: unknown } | null;
  const type = body?.type ?? 'A';
  if (type !== 'A' && type !== 'AAAA') throw unprocessable('"type" must be A or AAAA');
  let lua: string;
  try {
    lua = compileRule(body?.rule);
  } catch (err) {
    if (err instanceof HealthError || (err as { code?: string }).code === 'GDNS_ERR_GEO_RULE') throw unprocessable((err as Error).message);
    throw err;
  }
  const fam = (body!.rule as { endpoints: Array<{ address: string }> }).endpoints[0]!.address.includes(':') ? 'AAAA' : 'A';
  if (fam !== type) throw new ApiError(422, `the endpoints are ${fam === 'A' ? 'IPv4' : 'IPv6'} addresses: the record type is ${fam}`);
  return { type, content: `${type} "${lua.replace(/(["\\])/g, '\\$1')}"`, lua };
}
