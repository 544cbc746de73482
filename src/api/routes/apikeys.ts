import type { ApiPlugin } from '../context.js';
import { ApiError, unprocessable } from '../errors.js';
import { asObject, stringFrom } from '../json.js';
import { scopeFromJson } from '../scope-json.js';
import type { Scope } from '../scope.js';

function scopesOf(v: unknown): Scope[] {
  if (!Array.isArray(v) || v.length === 0) throw unprocessable('scopes: expected a list of at least one scope {zones?, names?, types?, readOnly}');
  try {
    return v.map((s, i) => scopeFromJson(s, `scopes[${i}]`));
  } catch (err) {
    throw unprocessable((err as Error).message, err);
  }
}

/**
 * Geodesic's API keys with scopes (not in PowerDNS): /apikeys. Needs an unrestricted read-write key (or
 * an admin session). The key is in the answer to POST only; the store keeps its SHA-256.
 */
export const apiKeyRoutes: ApiPlugin = async (app, ctx) => {
  const base = `/api/v1/servers/${ctx.serverId}/apikeys`;
  const idOf = (raw: string): number => {
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1) throw new ApiError(404, null);
    return id;
  };
  const one = async (id: number): Promise<Record<string, unknown>> => {
    const k = (await ctx.deps.keys.list()).find((x) => x.id === id);
    if (k === undefined) throw new ApiError(404, `no API key with id ${id}`);
    return { ...k };
  };

  app.get(base, { schema: { summary: 'API keys (never the keys themselves)', tags: ['apikeys'] } }, async (req) => {
    ctx.authorize(req, { write: true });
    return ctx.deps.keys.list();
  });

  app.post(base, { schema: { summary: 'Create a key: {name, scopes: [{zones?, names?, types?, readOnly}]}; the key is shown once', tags: ['apikeys'] } }, async (req, reply) => {
    ctx.authorize(req, { write: true });
    ctx.catalog();
    const doc = asObject(req.body);
    const name = stringFrom(doc, 'name');
    const { key, info } = await ctx.deps.keys.create(name, scopesOf(doc.scopes));
    void reply.code(201);
    return { ...info, key };
  });

  app.get(`${base}/:id`, { schema: { summary: 'One API key', tags: ['apikeys'] } }, async (req) => {
    ctx.authorize(req, { write: true });
    return one(idOf((req.params as { id: string }).id));
  });

  app.put(`${base}/:id`, { schema: { summary: 'Rename a key or change its scopes (takes effect at once)', tags: ['apikeys'] } }, async (req) => {
    ctx.authorize(req, { write: true });
    const id = idOf((req.params as { id: string }).id);
    await one(id);
    const doc = asObject(req.body);
    await ctx.deps.keys.update(id, {
      ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
      ...(doc.scopes !== undefined ? { scopes: scopesOf(doc.scopes) } : {}),
    });
    return one(id);
  });

  app.delete(`${base}/:id`, { schema: { summary: 'Revoke a key (at once)', tags: ['apikeys'] } }, async (req, reply) => {
    ctx.authorize(req, { write: true });
    if (!await ctx.deps.keys.revoke(idOf((req.params as { id: string }).id))) throw new ApiError(404, null);
    return reply.code(204).send();
  });
};
