import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { FULL_ACCESS } from '../scope.js';
import type { Scope } from '../scope.js';
import type { Principal } from '../principal.js';
import type { AccountDb, SessionRow, User } from './account-db.js';

export const COOKIE = 'gdns_session';
/** A session ends after 12 hours without a request, and 7 days after sign-in whatever happens. */
export const IDLE_MS = 12 * 3600_000;
export const MAX_MS = 7 * 24 * 3600_000;
/** Sessions' last-seen time is written at most once a minute. */
const TOUCH_MS = 60_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function cookieValue(req: FastifyRequest, name = COOKIE): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The scopes a role gives: admin everything; operator writes its zones and reads all; viewer reads. */
export function scopesOf(user: Pick<User, 'role' | 'zones'>): Scope[] {
  if (user.role === 'admin') return [FULL_ACCESS];
  const read: Scope = { readOnly: true };
  if (user.role === 'operator' && user.zones.length > 0) return [{ zones: [...user.zones], readOnly: false }, read];
  return [read];
}

export function principalOf(user: User): Principal {
  return { id: `session:${user.id}`, label: user.name, kind: 'session', role: user.role, userId: user.id, scopes: scopesOf(user) };
}

export interface Signed { session: SessionRow; user: User }

/** Browser sessions: an HttpOnly cookie holding a random token; the store keeps its SHA-256 and a CSRF token. */
export class Sessions {
  constructor(private readonly db: AccountDb, private readonly now: () => number = Date.now) {}

  /** Starts a session and sets its cookie (Secure under TLS, SameSite=Strict, HttpOnly). */
  async start(reply: FastifyReply, req: FastifyRequest, userId: number): Promise<SessionRow> {
    const token = randomBytes(32).toString('base64url');
    const t = this.now();
    const row: SessionRow = { id: sha256(token), userId, csrf: randomBytes(24).toString('base64url'), createdAt: t, seenAt: t, expiresAt: t + IDLE_MS };
    await this.db.createSession(row);
    void reply.header('set-cookie', cookie(req, token, MAX_MS / 1000));
    return row;
  }

  /** The session of the request's cookie, or undefined (no cookie, unknown, expired). */
  async find(req: FastifyRequest): Promise<Signed | undefined> {
    const token = cookieValue(req);
    if (token === undefined || token === '') return undefined;
    const s = await this.db.session(sha256(token));
    const t = this.now();
    if (s === undefined || s.expiresAt <= t || s.createdAt + MAX_MS <= t) return undefined;
    const user = await this.db.user(s.userId);
    if (user === undefined) return undefined;
    if (t - s.seenAt > TOUCH_MS) await this.db.touchSession(s.id, t, Math.min(t + IDLE_MS, s.createdAt + MAX_MS)).catch(() => undefined);
    return { session: s, user };
  }

  /**
   * The API authenticator: a request with the session cookie is the signed-in user. A write must carry the
   * session's CSRF token in X-CSRF-Token. A cookie that no longer names a session is 401.
   */
  async authenticate(req: FastifyRequest): Promise<Principal | undefined> {
    if (cookieValue(req) === undefined) return undefined;
    const found = await this.find(req);
    if (found === undefined) throw new ApiError(401, 'your session has ended: sign in again');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      const a = Buffer.from(typeof sent === 'string' ? sent : '');
      const b = Buffer.from(found.session.csrf);
      if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ApiError(403, 'missing or wrong CSRF token: send the X-CSRF-Token the session state gave');
    }
    return principalOf(found.user);
  }

  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = cookieValue(req);
    if (token) await this.db.deleteSession(sha256(token));
    void reply.header('set-cookie', cookie(req, '', 0));
  }
}

function cookie(req: FastifyRequest, value: string, maxAge: number): string {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  return `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAge)}${secure}`;
}

/** Refuses a cross-site form post: when the browser says where the request comes from, it must be this host. */
export function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host = '';
  try { host = new URL(origin).host; } catch { /* "null" or garbage: refused below */ }
  if (host !== req.headers.host) throw new ApiError(403, `requests from ${origin} are refused (cross-site)`);
}
