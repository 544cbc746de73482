import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { ApiError, unprocessable } from '../errors.js';
import { scopesAllow } from '../scope.js';
import type { Principal } from '../principal.js';
import { AccountDb } from './account-db.js';
import type { LoginLimiter } from './login-limiter.js';
import { Sessions } from './sessions.js';
import { readSettings } from './ui-settings.js';
import type { UiSettings } from './ui-settings.js';

export const G = '/api/v1/geodesic';

/** What the accounts routes share: the store's accounts, sessions, the login limiter. */
export class Accounts {
  private dbCache: AccountDb | null = null;
  private sessionsCache: Sessions | null = null;

  constructor(readonly ctx: ApiContext, readonly limiter: LoginLimiter) {}

  /** Accounts need the zone store; without one: 422 with the reason. */
  get db(): AccountDb {
    if (this.dbCache === null) this.dbCache = new AccountDb(this.ctx.catalog().store);
    return this.dbCache;
  }

  get sessions(): Sessions {
    if (this.sessionsCache === null) this.sessionsCache = new Sessions(this.db);
    return this.sessionsCache;
  }

  get hasStore(): boolean { return this.ctx.deps.catalog !== null; }

  /** LUA records default: on when the server answers them (--enable-lua-records). */
  luaDefault(): boolean {
    const c = this.ctx.deps.services?.config?.() ?? [];
    return c.some((s) => s.name === 'enable-lua-records' && /^(yes|true|1)$/i.test(s.value));
  }

  settings(): Promise<UiSettings> { return readSettings(this.db, this.luaDefault()); }
}

/** The request's principal when it may change everything (an admin, or a full-access key); else 403. */
export function requireAdmin(ctx: ApiContext, req: FastifyRequest): Principal {
  const p = ctx.authorize(req, { write: false });
  if (!scopesAllow(p.scopes, { write: true })) throw new ApiError(403, `${p.kind} "${p.label}" is not an administrator`);
  return p;
}

export function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new ApiError(400, 'the body must be a JSON object');
  return b as Record<string, unknown>;
}

const NAME_RE = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export function userName(v: unknown): string {
  if (typeof v !== 'string' || !NAME_RE.test(v.toLowerCase())) {
    throw unprocessable('name: 1 to 64 characters, letters, digits and . _ @ - (starting with a letter or digit)');
  }
  return v.toLowerCase();
}

export function intParam(v: unknown, what: string, def: number, max: number): number {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw unprocessable(`${what} must be a whole number ≥ 0`);
  return Math.min(n, max);
}
