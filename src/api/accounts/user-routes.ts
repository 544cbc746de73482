import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { scopeFromJson } from '../scope-json.js';
import type { Scope } from '../scope.js';
import { ROLES } from './account-db.js';
import type { Role, User } from './account-db.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { body, G, requireAdmin, userName } from './shared.js';
import type { Accounts } from './shared.js';

const TAGS = ['accounts'];

function role(v: unknown): Role {
  if (typeof v !== 'string' || !(ROLES as readonly string[]).includes(v)) throw unprocessable(`role must be one of ${ROLES.join(', ')}`);
  return v as Role;
}

function zones(v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((z) => typeof z !== 'string' || z === '')) throw unprocessable('zones must be a list of zone names');
  return (v as string[]).map((z) => (z.endsWith('.') ? z.toLowerCase() : `${z.toLowerCase()}.`));
}

/** Scopes a user's new key may have: never more than the user's role gives. */
export function keyScopes(user: User, requested: unknown): Scope[] {
  let scopes: Scope[];
  try {
    scopes = requested === undefined ? [{ readOnly: user.role === 'viewer' }] : Array.isArray(requested)
      ? requested.map((s, i) => scopeFromJson(s, `scopes[${i}]`)) : [scopeFromJson(requested, 'scopes')];
  } catch (e) {
    throw unprocessable((e as Error).message);
  }
  if (scopes.length === 0) throw unprocessable('scopes: a key needs at least one scope');
  return scopes.map((s) => {
    if (user.role === 'admin' || s.readOnly) return s;
    if (user.role === 'viewer') return { ...s, readOnly: true };
    const mine = user.zones;
    const z = s.zones ?? mine;
    const outside = z.filter((x) => !mine.includes(x));
    if (outside.length > 0) throw new ApiError(403, `an operator's key may write only the operator's zones (not ${outside.join(', ')})`);
    return { ...s, zones: z };
  });
}

/** Users (admin) and each user's API keys (the user or an admin). */
export async function userRoutes(app: FastifyInstance, a: Accounts): Promise<void> {
  const target = async (req: FastifyRequest): Promise<User> => {
    const id = Number((req.params as { id: string }).id);
    const u = Number.isInteger(id) ? await a.db.user(id) : undefined;
    if (u === undefined) throw notFound(`no user ${(req.params as { id: string }).id}`);
    return u;
  };
  /** The user themselves (signed in, not through a key) or an admin. */
  const selfOrAdmin = async (req: FastifyRequest): Promise<User> => {
    const u = await target(req);
    const p = a.ctx.authorize(req, { write: false });
    if (p.kind === 'session' && p.userId === u.id) return u;
    requireAdmin(a.ctx, req);
    return u;
  };

  app.get(`${G}/users`, { schema: { tags: TAGS, summary: 'List users (admin)' } }, async (req) => {
    requireAdmin(a.ctx, req);
    return a.db.listUsers();
  });

  app.post(`${G}/users`, { schema: { tags: TAGS, summary: 'Create a user (admin)' } }, async (req, reply) => {
    requireAdmin(a.ctx, req);
    const b = body(req);
    const name = userName(b.name);
    const problem = passwordProblem(b.password);
    if (problem) throw unprocessable(problem);
    const made = await a.db.createUser({ name, passwordHash: await hashPassword(b.password as string), role: role(b.role ?? 'viewer'), zones: zones(b.zones) });
    if (made === 'taken' || made === 'closed') throw new ApiError(409, `the user name ${name} is taken`);
    return reply.code(201).send(made);
  });

  app.patch(`${G}/users/:id`, { schema: { tags: TAGS, summary: 'Change a user\'s role, zones or password (admin)' } }, async (req) => {
    requireAdmin(a.ctx, req);
    const u = await target(req);
    const b = body(req);
    const set: { role?: Role; zones?: string[]; passwordHash?: string } = {};
    if (b.role !== undefined) set.role = role(b.role);
    if (b.zones !== undefined) set.zones = zones(b.zones);
    if (b.password !== undefined) {
      const problem = passwordProblem(b.password);
      if (problem) throw unprocessable(problem);
      set.passwordHash = await hashPassword(b.password as string);
    }
    if (u.role === 'admin' && set.role !== undefined && set.role !== 'admin' && (await a.db.countAdmins()) <= 1) {
      throw unprocessable('this is the last administrator: make another user admin first');
    }
    await a.db.updateUser(u.id, set);
    // A user's keys never outlive a demotion: their scopes were checked against the old role.
    if (set.role !== undefined && set.role !== u.role) for (const k of await a.ctx.deps.keys.list(u.id)) await a.ctx.deps.keys.revoke(k.id);
    if (set.passwordHash !== undefined || (set.role !== undefined && set.role !== u.role)) await a.db.deleteSessionsOf(u.id);
    return a.db.user(u.id);
  });

  app.delete(`${G}/users/:id`, { schema: { tags: TAGS, summary: 'Delete a user, their sessions and keys (admin)' } }, async (req, reply) => {
    requireAdmin(a.ctx, req);
    const u = await target(req);
    if (u.role === 'admin' && (await a.db.countAdmins()) <= 1) throw unprocessable('this is the last administrator: it cannot be deleted');
    await a.db.deleteUser(u.id);
    return reply.code(204).send();
  });

  app.get(`${G}/users/:id/keys`, { schema: { tags: TAGS, summary: 'A user\'s API keys (the user or an admin)' } }, async (req) => {
    const u = await selfOrAdmin(req);
    return a.ctx.deps.keys.list(u.id);
  });

  app.post(`${G}/users/:id/keys`, { schema: { tags: TAGS, summary: 'Make an API key for a user; the key is in this answer only' } }, async (req, reply) => {
    const u = await selfOrAdmin(req);
    const b = body(req);
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 100) throw unprocessable('name: a key needs a name (up to 100 characters)');
    const made = await a.ctx.deps.keys.create(b.name.trim(), keyScopes(u, b.scopes), u.id);
    return reply.code(201).send({ key: made.key, ...made.info });
  });

  app.delete(`${G}/users/:id/keys/:keyId`, { schema: { tags: TAGS, summary: 'Revoke one of a user\'s API keys' } }, async (req, reply) => {
    const u = await selfOrAdmin(req);
    const keyId = Number((req.params as { keyId: string }).keyId);
    const mine = (await a.ctx.deps.keys.list(u.id)).some((k) => k.id === keyId);
    if (!mine) throw notFound(`user ${u.name} has no key ${(req.params as { keyId: string }).keyId}`);
    await a.ctx.deps.keys.revoke(keyId);
    return reply.code(204).send();
  });
}
