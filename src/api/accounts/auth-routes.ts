import type { FastifyInstance } from 'fastify';
import { AllowFrom } from '../allow-from.js';
import { ApiError, unprocessable } from '../errors.js';
import { hashPassword, DUMMY_HASH, passwordProblem, verifyPassword } from './passwords.js';
import { checkOrigin } from './sessions.js';
import type { Signed } from './sessions.js';
import { body, G, userName } from './shared.js';
import type { Accounts } from './shared.js';
import type { User } from './account-db.js';

const PUBLIC = { public: true } as const;
const TAGS = ['accounts'];

/** Sign-up, sign-in, sign-out (here or everywhere), password change, and the session state the UI starts from. */
export async function authRoutes(app: FastifyInstance, a: Accounts): Promise<void> {
  const stateOf = async (signed: Signed | undefined) => {
    const count = await a.db.countUsers();
    const s = await a.settings();
    return {
      user: signed ? signed.user : null,
      ...(signed ? { csrf: signed.session.csrf } : {}),
      firstRun: count === 0,
      signupOpen: count === 0 || s.allowSignup,
    };
  };

  app.get(`${G}/auth/session`, { config: PUBLIC, schema: { tags: TAGS, summary: 'Who is signed in (user, CSRF token), and whether sign-up is open' } }, async (req, reply) => {
    if (!a.hasStore) return { user: null, firstRun: false, signupOpen: false, error: 'accounts need a zone store (--data DIR or --db URL)' };
    let signed = await a.sessions.find(req);
    const s = await a.settings();
    const header = s.proxyHeader ? req.headers[s.proxyHeader.toLowerCase()] : undefined;
    if (typeof header === 'string' && header !== '' && new AllowFrom(s.proxyNetworks).allows(req.socket.remoteAddress)) {
      // Trusted reverse proxy (oauth2-proxy style): its header names the user; unknown users become viewers.
      const name = userName(header);
      if (signed?.user.name !== name) {
        let user: User | undefined = await a.db.user((await a.db.userByName(name))?.id ?? -1);
        if (user === undefined) {
          const made = await a.db.createUser({ name, passwordHash: DUMMY_HASH, role: 'viewer' }, { firstIsAdmin: true });
          if (typeof made === 'string') throw new ApiError(409, `cannot create user ${name} for the proxy login`);
          user = made;
        }
        const session = await a.sessions.start(reply, req, user.id);
        signed = { session, user };
      }
    }
    return stateOf(signed);
  });

  app.post(`${G}/auth/signup`, { config: PUBLIC, schema: { tags: TAGS, summary: 'Create an account (the first is admin; then only when sign-up is allowed)' } }, async (req, reply) => {
    checkOrigin(req);
    const b = body(req);
    const name = userName(b.name);
    const problem = passwordProblem(b.password);
    if (problem) throw unprocessable(problem);
    const limit = a.limiter.check(req.ip, `signup:${req.ip}`);
    if (limit.wait > 0) throw tooMany(reply, limit);
    a.limiter.failed(req.ip, `signup:${req.ip}`); // every sign-up counts against the address
    const passwordHash = await hashPassword(b.password as string);
    const made = await a.db.createUser({ name, passwordHash, role: 'viewer' }, { firstIsAdmin: true, signup: true });
    if (made === 'closed') throw new ApiError(403, 'sign-up is closed: ask an administrator for an account');
    if (made === 'taken') throw new ApiError(409, `the user name ${name} is taken`);
    const session = await a.sessions.start(reply, req, made.id);
    return reply.code(201).send({ user: made, csrf: session.csrf });
  });

  app.post(`${G}/auth/login`, { config: PUBLIC, schema: { tags: TAGS, summary: 'Sign in (rate limited; locked after repeated failures)' } }, async (req, reply) => {
    checkOrigin(req);
    const b = body(req);
    const name = typeof b.name === 'string' ? b.name.toLowerCase().slice(0, 64) : '';
    const password = typeof b.password === 'string' ? b.password.slice(0, 1024) : '';
    const limit = a.limiter.check(req.ip, name);
    if (limit.wait > 0) throw tooMany(reply, limit);
    const row = name ? await a.db.userByName(name) : undefined;
    const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
    if (!ok || row === undefined) {
      a.limiter.failed(req.ip, name);
      throw new ApiError(401, 'wrong user name or password');
    }
    a.limiter.succeeded(name);
    const session = await a.sessions.start(reply, req, row.id);
    return { user: await a.db.user(row.id), csrf: session.csrf };
  });

  app.post(`${G}/auth/logout`, { schema: { tags: TAGS, summary: 'Sign out this browser' } }, async (req, reply) => {
    await a.sessions.end(req, reply);
    return reply.code(204).send();
  });

  app.post(`${G}/auth/logout-all`, { schema: { tags: TAGS, summary: 'Sign out every session of the signed-in user' } }, async (req, reply) => {
    const p = a.ctx.authorize(req, { write: false });
    if (p.userId === undefined) throw unprocessable('only a user (session or user key) has sessions');
    const ended = await a.db.deleteSessionsOf(p.userId);
    await a.sessions.end(req, reply);
    return { ended };
  });

  app.post(`${G}/auth/password`, { schema: { tags: TAGS, summary: 'Change your password (ends your other sessions)' } }, async (req, reply) => {
    const p = a.ctx.authorize(req, { write: false });
    if (p.kind !== 'session' || p.userId === undefined) throw new ApiError(403, 'change a password from a signed-in session');
    const b = body(req);
    const row = await a.db.userById(p.userId);
    if (row === undefined || !(await verifyPassword(typeof b.current === 'string' ? b.current : '', row.passwordHash))) {
      throw unprocessable('current: the current password is wrong');
    }
    const problem = passwordProblem(b.password);
    if (problem) throw unprocessable(problem);
    await a.db.updateUser(p.userId, { passwordHash: await hashPassword(b.password as string) });
    await a.db.deleteSessionsOf(p.userId);
    const session = await a.sessions.start(reply, req, p.userId);
    return { csrf: session.csrf };
  });
}

function tooMany(reply: { header(k: string, v: string): unknown }, limit: { wait: number; reason: string }): ApiError {
  reply.header('retry-after', String(limit.wait));
  return new ApiError(429, `${limit.reason}: try again in ${limit.wait} s`);
}
