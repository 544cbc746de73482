import type { Kysely } from 'kysely';
import type { Store, StoreTables } from '../../store/index.js';

export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

export interface UserRow { id: number; name: string; passwordHash: string; role: Role; createdAt: number }
export interface User { id: number; name: string; role: Role; zones: string[]; createdAt: number }
export interface SessionRow { id: string; userId: number; csrf: string; createdAt: number; seenAt: number; expiresAt: number }

type Db = Kysely<StoreTables>;

const num = (v: number | string): number => Number(v);

/** The setting (store `settings`) that opens sign-up to anyone. */
export const SIGNUP_SETTING = 'ui.allow-signup';

function userOf(r: { id: number; name: string; password_hash: string; role: string; created_at: number | string }): UserRow {
  return { id: r.id, name: r.name, passwordHash: r.password_hash, role: (ROLES as readonly string[]).includes(r.role) ? (r.role as Role) : 'viewer', createdAt: num(r.created_at) };
}

/**
 * Accounts in the store: users (the store's `users` table), their zones, sessions, UI settings.
 * Every write is one transaction.
 */
export class AccountDb {
  constructor(private readonly store: Store) {}

  private get db(): Db { return this.store.db as unknown as Db; }

  private write<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.store.write((q) => fn(q.db as unknown as Db));
  }

  async countUsers(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
    return num(r?.n ?? 0);
  }

  async userByName(name: string): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('name', '=', name.toLowerCase()).executeTakeFirst();
    return r && userOf(r);
  }

  async userById(id: number): Promise<UserRow | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r && userOf(r);
  }

  async zonesOf(userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom('user_zones').select('zone').where('user_id', '=', userId).orderBy('zone').execute();
    return rows.map((r) => r.zone);
  }

  async user(id: number): Promise<User | undefined> {
    const u = await this.userById(id);
    return u && { id: u.id, name: u.name, role: u.role, zones: await this.zonesOf(u.id), createdAt: u.createdAt };
  }

  async listUsers(): Promise<User[]> {
    const rows = (await this.db.selectFrom('users').selectAll().orderBy('name').execute()).map(userOf);
    const zones = await this.db.selectFrom('user_zones').selectAll().execute();
    return rows.map((u) => ({ id: u.id, name: u.name, role: u.role, createdAt: u.createdAt,
      zones: zones.filter((z) => z.user_id === u.id).map((z) => z.zone).sort() }));
  }

  /**
   * Creates a user. `firstIsAdmin`: when no user exists yet the new one is admin (checked in the same
   * transaction, so two first sign-ups at once give one admin). `signup`: refused ('closed') unless this
   * is the first user or the allow-sign-up setting is on (read in the same transaction).
   */
  async createUser(u: { name: string; passwordHash: string; role: Role; zones?: string[] }, opts: { firstIsAdmin?: boolean; signup?: boolean } = {}): Promise<User | 'taken' | 'closed'> {
    return this.write(async (tx) => {
      const count = num((await tx.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst())?.n ?? 0);
      if (opts.signup && count > 0) {
        const open = await tx.selectFrom('settings').select('value').where('name', '=', SIGNUP_SETTING).executeTakeFirst();
        if (open?.value !== 'true') return 'closed';
      }
      const name = u.name.toLowerCase();
      if (await tx.selectFrom('users').select('id').where('name', '=', name).executeTakeFirst()) return 'taken';
      const role: Role = opts.firstIsAdmin && count === 0 ? 'admin' : u.role;
      const createdAt = Date.now();
      await tx.insertInto('users').values({ name, password_hash: u.passwordHash, role, created_at: createdAt }).execute();
      const row = await tx.selectFrom('users').select('id').where('name', '=', name).executeTakeFirstOrThrow();
      const zones = role === 'operator' ? [...new Set(u.zones ?? [])] : [];
      for (const zone of zones) await tx.insertInto('user_zones').values({ user_id: row.id, zone }).execute();
      return { id: row.id, name, role, zones: zones.sort(), createdAt };
    });
  }

  async updateUser(id: number, set: { role?: Role; zones?: string[]; passwordHash?: string }): Promise<void> {
    await this.write(async (tx) => {
      if (set.role !== undefined || set.passwordHash !== undefined) {
        await tx.updateTable('users').set({
          ...(set.role !== undefined ? { role: set.role } : {}),
          ...(set.passwordHash !== undefined ? { password_hash: set.passwordHash } : {}),
        }).where('id', '=', id).execute();
      }
      if (set.zones !== undefined || (set.role !== undefined && set.role !== 'operator')) {
        await tx.deleteFrom('user_zones').where('user_id', '=', id).execute();
        if (set.role === undefined || set.role === 'operator') {
          for (const zone of new Set(set.zones ?? [])) await tx.insertInto('user_zones').values({ user_id: id, zone }).execute();
        }
      }
    });
  }

  async deleteUser(id: number): Promise<void> {
    await this.write(async (tx) => {
      await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await tx.deleteFrom('user_zones').where('user_id', '=', id).execute();
      await tx.deleteFrom('api_keys').where('user_id', '=', id).execute();
      await tx.deleteFrom('users').where('id', '=', id).execute();
    });
  }

  async countAdmins(): Promise<number> {
    const r = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).where('role', '=', 'admin').executeTakeFirst();
    return num(r?.n ?? 0);
  }

  // ---- sessions ----
  async createSession(s: SessionRow): Promise<void> {
    await this.write(async (tx) => {
      await tx.deleteFrom('sessions').where('expires_at', '<', s.createdAt).execute();
      await tx.insertInto('sessions').values({ id: s.id, user_id: s.userId, csrf: s.csrf, created_at: s.createdAt, seen_at: s.seenAt, expires_at: s.expiresAt }).execute();
    });
  }

  async session(id: string): Promise<SessionRow | undefined> {
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, userId: r.user_id, csrf: r.csrf, createdAt: num(r.created_at), seenAt: num(r.seen_at), expiresAt: num(r.expires_at) };
  }

  async touchSession(id: string, seenAt: number, expiresAt: number): Promise<void> {
    if (this.store.readOnly) return;
    await this.write((tx) => tx.updateTable('sessions').set({ seen_at: seenAt, expires_at: expiresAt }).where('id', '=', id).execute());
  }

  async deleteSession(id: string): Promise<void> {
    await this.write((tx) => tx.deleteFrom('sessions').where('id', '=', id).execute());
  }

  /** Log out everywhere: every session of the user. Returns how many were ended. */
  async deleteSessionsOf(userId: number): Promise<number> {
    return this.write(async (tx) => {
      const r = await tx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  // ---- settings ----
  async settings(prefix: string): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('settings').selectAll().where('name', 'like', `${prefix}%`).execute();
    return new Map(rows.map((r) => [r.name, r.value]));
  }

  async putSettings(values: ReadonlyMap<string, string>): Promise<void> {
    await this.store.write(async (q) => { for (const [k, v] of values) await q.putSetting(k, v); });
  }
}
