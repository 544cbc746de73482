import type { Kysely } from 'kysely';
import { StoreError } from '../errors.js';
import { BLOB_COLUMNS, TABLES } from '../types.js';
import type { StoreTables } from '../types.js';
import type { Store } from './store.js';
import { num } from './rows.js';

export const BACKUP_FORMAT = 'geodesic-backup';
const PAGE = 5000;
const NUMERIC = new Set(['id', 'zone_id', 'type', 'ttl', 'disabled', 'change_seq', 'created_at', 'modified_at', 'seq',
  'serial_from', 'serial_to', 'flags', 'algorithm', 'active', 'published', 'value']);

type Row = Record<string, unknown>;
type AnyDb = Kysely<Record<string, Row>>;

export interface BackupHeader { format: typeof BACKUP_FORMAT; schema: string; dialect: string; createdAt: number }
export interface BackupSummary { rows: Record<string, number> }

function encodeRow(table: string, row: Row): Row {
  const out: Row = {};
  const blobs = BLOB_COLUMNS[table] ?? [];
  for (const [k, v] of Object.entries(row)) {
    if (blobs.includes(k)) out[k] = Buffer.from(v as Uint8Array).toString('base64');
    else if (NUMERIC.has(k) && (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v)))) out[k] = num(v);
    else out[k] = v;
  }
  return out;
}

function decodeRow(table: string, row: Row): Row {
  const blobs = BLOB_COLUMNS[table] ?? [];
  if (blobs.length === 0) return row;
  const out = { ...row };
  for (const k of blobs) out[k] = Buffer.from(String(row[k]), 'base64');
  return out;
}

/**
 * Writes every table as JSON lines (a header, then `{"t": table, "r": row}`) from one consistent
 * snapshot of the store, while it keeps serving. `emit` receives one line at a time.
 */
export async function backupStore(store: Store, emit: (line: string) => Promise<void> | void): Promise<BackupSummary> {
  const rows: Record<string, number> = {};
  await store.snapshot(async (q) => {
    const db = q.db as unknown as AnyDb;
    const header: BackupHeader = { format: BACKUP_FORMAT, schema: store.status().schema, dialect: store.dialect.name, createdAt: Date.now() };
    await emit(JSON.stringify(header));
    for (const table of TABLES) {
      rows[table] = 0;
      const key = table === 'settings' ? 'name' : 'id';
      let after: unknown = null;
      for (;;) {
        let sel = db.selectFrom(table).selectAll();
        if (after !== null) sel = sel.where(key, '>', after as never);
        const page = await sel.orderBy(key).limit(PAGE).execute();
        for (const r of page) await emit(JSON.stringify({ t: table, r: encodeRow(table, r) }));
        rows[table] += page.length;
        if (page.length < PAGE) break;
        after = page.at(-1)![key];
      }
    }
  });
  return { rows };
}

/**
 * Restores a backup into this store in one transaction. A store that holds zones is refused unless
 * `force` (then everything in it is replaced). The change counter ends above both the backup's and the
 * store's, and every zone is marked changed, so nodes sharing the database reload everything.
 */
export async function restoreStore(store: Store, lines: AsyncIterable<string>, opts: { force?: boolean } = {}): Promise<BackupSummary> {
  const rows: Record<string, number> = {};
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  const header = first.done === true ? null : (JSON.parse(first.value) as Partial<BackupHeader>);
  if (header?.format !== BACKUP_FORMAT) throw new StoreError('GDNS_ERR_STORE_BACKUP', 'not a Geodesic backup (no geodesic-backup header line)');
  if (header.schema !== store.status().schema) {
    throw new StoreError('GDNS_ERR_STORE_BACKUP', `the backup has schema ${header.schema}, this store ${store.status().schema}`);
  }
  await store.write(async (q) => {
    const before = await q.counter();
    if (!opts.force && (await q.listZones()).length > 0) {
      throw new StoreError('GDNS_ERR_STORE_NOT_EMPTY', `the store at ${store.dialect.location} holds zones; restore with --force to replace them`);
    }
    const db = q.db as unknown as AnyDb;
    for (const t of [...TABLES].reverse()) await db.deleteFrom(t).execute();
    await db.deleteFrom('sessions').execute(); // admin UI sessions are not backed up: a restore signs everyone out
    let batch: Row[] = [];
    let table = '';
    const flush = async (): Promise<void> => {
      if (batch.length > 0) await db.insertInto(table).values(batch).execute();
      batch = [];
    };
    for (let n = await it.next(); n.done !== true; n = await it.next()) {
      if (n.value.trim() === '') continue;
      const { t, r } = JSON.parse(n.value) as { t: string; r: Row };
      if (!(TABLES as readonly string[]).includes(t)) throw new StoreError('GDNS_ERR_STORE_BACKUP', `unknown table ${t} in the backup`);
      if (t !== table) { await flush(); table = t; }
      batch.push(decodeRow(t, r));
      rows[t] = (rows[t] ?? 0) + 1;
      if (batch.length >= 500) await flush();
    }
    await flush();
    for (const t of TABLES) if (t !== 'settings' && t !== 'change_counter') await store.dialect.syncIdSequence(q.db, t);
    const restored = await q.counter();
    const seq = Math.max(before, restored) + 1;
    const tdb = q.db as Kysely<StoreTables>;
    if (rows.change_counter === undefined) await tdb.insertInto('change_counter').values({ id: 1, value: seq }).execute();
    else await tdb.updateTable('change_counter').set({ value: seq }).where('id', '=', 1).execute();
    await tdb.updateTable('zones').set({ change_seq: seq }).execute();
  });
  return { rows };
}
