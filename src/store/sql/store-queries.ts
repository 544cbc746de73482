import type { Insertable, Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { CommentRow, JournalEntry, RecordRow, StoreTables, TsigKeyRow, ZoneRow } from '../types.js';
import { commentFromRow, journalFromRow, num, recordFromRow, zoneFromRow } from './rows.js';

type Db = Kysely<StoreTables>;
type Facts = Pick<StoreDialect, 'supportsReturning' | 'supportsForUpdate' | 'announceChange'>;
export type NewRecord = Omit<RecordRow, 'id'>;
/** A served record as the driver hands it out (ttl may be a string on PostgreSQL: use Number()). */
export interface ServedRecord { id: number; name: string; type: number; ttl: number | string; wire: Uint8Array }
export type NewZone = Omit<ZoneRow, 'id'>;
const BATCH = 1000;

/** Lets timers and I/O run between batches (better-sqlite3 is synchronous: a long import would starve them). */
export const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Every query of the store, dialect-agnostic; bound to the database or to one transaction. */
export class StoreQueries {
  constructor(readonly db: Db, private readonly facts: Facts) {}

  async counter(): Promise<number> {
    const r = await this.db.selectFrom('change_counter').select('value').where('id', '=', 1).executeTakeFirst();
    return num(r?.value);
  }

  /** Increments the change counter (the first write of every write transaction: it serializes writers). */
  async bumpCounter(): Promise<number> {
    await this.db.updateTable('change_counter').set((eb) => ({ value: eb('value', '+', 1) })).where('id', '=', 1).execute();
    await this.facts.announceChange?.(this.db);
    return this.counter();
  }

  async listZones(): Promise<ZoneRow[]> {
    return (await this.db.selectFrom('zones').selectAll().orderBy('name').execute()).map(zoneFromRow);
  }

  async zoneByName(name: string, lock = false): Promise<ZoneRow | undefined> {
    let q = this.db.selectFrom('zones').selectAll().where('name', '=', name);
    if (lock && this.facts.supportsForUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r && zoneFromRow(r);
  }

  async insertZone(z: NewZone): Promise<number> {
    return this.insertId('zones', {
      name: z.name, kind: z.kind, primaries: JSON.stringify(z.primaries), account: z.account,
      serial_policy: z.serialPolicy, change_seq: z.changeSeq, created_at: z.createdAt,
    });
  }

  async updateZone(id: number, set: Partial<Pick<ZoneRow, 'kind' | 'primaries' | 'account' | 'serialPolicy' | 'changeSeq'>>): Promise<void> {
    const v: Partial<Insertable<StoreTables['zones']>> = {};
    if (set.kind !== undefined) v.kind = set.kind;
    if (set.primaries !== undefined) v.primaries = JSON.stringify(set.primaries);
    if (set.account !== undefined) v.account = set.account;
    if (set.serialPolicy !== undefined) v.serial_policy = set.serialPolicy;
    if (set.changeSeq !== undefined) v.change_seq = set.changeSeq;
    await this.db.updateTable('zones').set(v).where('id', '=', id).execute();
  }

  /** Deletes a zone and everything that belongs to it. */
  async deleteZone(id: number): Promise<void> {
    for (const t of ['records', 'comments', 'zone_metadata', 'dnssec_keys', 'journal'] as const) {
      await this.db.deleteFrom(t).where('zone_id', '=', id).execute();
    }
    await this.db.deleteFrom('zones').where('id', '=', id).execute();
  }

  /** Records of a zone in id order, `limit` at a time after `afterId` (keyset paging keeps memory flat). */
  async recordsPage(zoneId: number, afterId: number, limit: number, enabledOnly: boolean): Promise<RecordRow[]> {
    let q = this.db.selectFrom('records').selectAll().where('zone_id', '=', zoneId).where('id', '>', afterId);
    if (enabledOnly) q = q.where('disabled', '=', 0);
    const rows = (await q.orderBy('id').limit(limit).execute()).map(recordFromRow);
    await yieldToLoop();
    return rows;
  }

  /** What serving needs of enabled records (no presentation form), `limit` at a time after `afterId`. */
  async servedPage(zoneId: number, afterId: number, limit: number): Promise<ServedRecord[]> {
    const rows = await this.db.selectFrom('records').select(['id', 'name', 'type', 'ttl', 'wire'])
      .where('zone_id', '=', zoneId).where('id', '>', afterId).where('disabled', '=', 0).orderBy('id').limit(limit).execute();
    await yieldToLoop();
    return rows as ServedRecord[];
  }

  async rrset(zoneId: number, name: string, type: number): Promise<RecordRow[]> {
    const rows = await this.db.selectFrom('records').selectAll()
      .where('zone_id', '=', zoneId).where('name', '=', name).where('type', '=', type).orderBy('id').execute();
    return rows.map(recordFromRow);
  }

  /** The types with enabled records at one owner. */
  async typesAt(zoneId: number, name: string): Promise<number[]> {
    const rows = await this.db.selectFrom('records').select('type').distinct()
      .where('zone_id', '=', zoneId).where('name', '=', name).where('disabled', '=', 0).execute();
    return rows.map((r) => num(r.type));
  }

  async deleteRRset(zoneId: number, name: string, type: number): Promise<void> {
    await this.db.deleteFrom('records').where('zone_id', '=', zoneId).where('name', '=', name).where('type', '=', type).execute();
  }

  async insertRecords(zoneId: number, rows: Iterable<NewRecord>): Promise<number> {
    let batch: Insertable<StoreTables['records']>[] = [];
    let n = 0;
    const flush = async (): Promise<void> => {
      if (batch.length > 0) await this.db.insertInto('records').values(batch).execute();
      n += batch.length;
      batch = [];
      await yieldToLoop();
    };
    for (const r of rows) {
      batch.push({ zone_id: zoneId, name: r.name, type: r.type, ttl: r.ttl, content: r.content, wire: r.wire, disabled: r.disabled ? 1 : 0 });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return n;
  }

  async comments(zoneId: number): Promise<CommentRow[]> {
    const rows = await this.db.selectFrom('comments').selectAll().where('zone_id', '=', zoneId).orderBy('id').execute();
    return rows.map(commentFromRow);
  }

  async replaceComments(zoneId: number, name: string, type: number, comments: readonly CommentRow[]): Promise<void> {
    await this.db.deleteFrom('comments').where('zone_id', '=', zoneId).where('name', '=', name).where('type', '=', type).execute();
    if (comments.length === 0) return;
    await this.db.insertInto('comments').values(comments.map((c) => ({
      zone_id: zoneId, name, type, account: c.account, content: c.content, modified_at: c.modifiedAt,
    }))).execute();
  }

  async appendJournal(e: Omit<JournalEntry, 'id'>): Promise<number> {
    return this.insertId('journal', {
      zone_id: e.zoneId, seq: e.seq, serial_from: e.serialFrom, serial_to: e.serialTo, author: e.author,
      created_at: e.createdAt, changes: JSON.stringify(e.changes),
    });
  }

  /** Journal entries of a zone written after change counter value `seq`, oldest first. */
  async journalAfterSeq(zoneId: number, seq: number, limit = 1000): Promise<JournalEntry[]> {
    const rows = await this.db.selectFrom('journal').selectAll().where('zone_id', '=', zoneId).where('seq', '>', seq)
      .orderBy('id').limit(limit).execute();
    return rows.map(journalFromRow);
  }

  /** Journal entries of a zone after entry `afterId`, oldest first. */
  async journal(zoneId: number, afterId = 0, limit = 10_000): Promise<JournalEntry[]> {
    const rows = await this.db.selectFrom('journal').selectAll().where('zone_id', '=', zoneId).where('id', '>', afterId)
      .orderBy('id').limit(limit).execute();
    return rows.map(journalFromRow);
  }

  async metadata(zoneId: number): Promise<{ kind: string; content: string }[]> {
    return this.db.selectFrom('zone_metadata').select(['kind', 'content']).where('zone_id', '=', zoneId).orderBy('id').execute();
  }

  async setMetadata(zoneId: number, kind: string, contents: readonly string[]): Promise<void> {
    await this.db.deleteFrom('zone_metadata').where('zone_id', '=', zoneId).where('kind', '=', kind).execute();
    if (contents.length > 0) await this.db.insertInto('zone_metadata').values(contents.map((content) => ({ zone_id: zoneId, kind, content }))).execute();
  }

  async tsigKeys(): Promise<TsigKeyRow[]> {
    const rows = await this.db.selectFrom('tsig_keys').select(['name', 'algorithm', 'secret', 'scopes']).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, algorithm: r.algorithm, secret: r.secret, scopes: r.scopes ?? null }));
  }

  async putTsigKey(k: TsigKeyRow): Promise<void> {
    await this.db.deleteFrom('tsig_keys').where('name', '=', k.name).execute();
    await this.db.insertInto('tsig_keys').values({ name: k.name, algorithm: k.algorithm, secret: k.secret, scopes: k.scopes ?? null }).execute();
  }

  async deleteTsigKey(name: string): Promise<void> {
    await this.db.deleteFrom('tsig_keys').where('name', '=', name).execute();
  }

  async setting(name: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst())?.value;
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.db.deleteFrom('settings').where('name', '=', name).execute();
    await this.db.insertInto('settings').values({ name, value }).execute();
  }

  private async insertId<T extends 'zones' | 'journal'>(table: T, values: Insertable<StoreTables[T]>): Promise<number> {
    const q = this.db.insertInto(table).values(values as never);
    if (this.facts.supportsReturning) return num((await q.returning('id').executeTakeFirstOrThrow()).id as number);
    const r = await q.executeTakeFirstOrThrow();
    return num(r.insertId);
  }
}
