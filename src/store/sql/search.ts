import { sql } from 'kysely';
import type { StoreQueries } from './store-queries.js';
import { num } from './rows.js';

/** A record or comment found by search (PowerDNS /search-data). */
export interface SearchHit { zone: string; name: string; type: number; ttl: number; content: string; disabled: boolean }

/** PowerDNS's search pattern (`*` any run, `?` one character, case-insensitive) as a LIKE pattern (escape `!`). */
export function likePattern(q: string): string {
  return q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}

/** Records whose owner (with or without its final dot, as PowerDNS stores names) or content matches, at most `limit`, in id order. */
export async function searchRecords(q: StoreQueries, pattern: string, limit: number): Promise<SearchHit[]> {
  const p = likePattern(pattern);
  const rows = await q.db.selectFrom('records').innerJoin('zones', 'zones.id', 'records.zone_id')
    .select(['zones.name as zone', 'records.name', 'records.type', 'records.ttl', 'records.content', 'records.disabled'])
    .where((eb) => eb.or([
      eb(sql`lower(records.name)`, 'like', sql`${p} escape '!'`),
      eb(sql`lower(records.name)`, 'like', sql`${`${p}.`} escape '!'`),
      eb(sql`lower(records.content)`, 'like', sql`${p} escape '!'`),
    ]))
    .orderBy('records.id').limit(limit).execute();
  return rows.map((r) => ({ zone: r.zone, name: r.name, type: num(r.type), ttl: num(r.ttl), content: r.content, disabled: num(r.disabled) !== 0 }));
}

/** Comments whose content or RRset owner matches (owner and type of the RRset they belong to), at most `limit`. */
export async function searchComments(q: StoreQueries, pattern: string, limit: number): Promise<Omit<SearchHit, 'ttl' | 'disabled'>[]> {
  const p = likePattern(pattern);
  const rows = await q.db.selectFrom('comments').innerJoin('zones', 'zones.id', 'comments.zone_id')
    .select(['zones.name as zone', 'comments.name', 'comments.type', 'comments.content'])
    .where((eb) => eb.or([
      eb(sql`lower(comments.content)`, 'like', sql`${p} escape '!'`),
      eb(sql`lower(comments.name)`, 'like', sql`${p} escape '!'`),
      eb(sql`lower(comments.name)`, 'like', sql`${`${p}.`} escape '!'`),
    ]))
    .orderBy('comments.id').limit(limit).execute();
  return rows.map((r) => ({ zone: r.zone, name: r.name, type: num(r.type), content: r.content }));
}

/** A record without its wire form (what the HTTP API lists). */
export interface RecordText { name: string; type: number; ttl: number; content: string; disabled: boolean }

/** Every record of a zone in id order, without the wire column (10,000 a query), optionally of one owner/type. */
export async function recordTexts(q: StoreQueries, zoneId: number, filter: { name?: string; type?: number } = {}): Promise<RecordText[]> {
  const out: RecordText[] = [];
  for (let after = 0; ;) {
    let s = q.db.selectFrom('records').select(['id', 'name', 'type', 'ttl', 'content', 'disabled'])
      .where('zone_id', '=', zoneId).where('id', '>', after);
    if (filter.name !== undefined) s = s.where('name', '=', filter.name);
    if (filter.type !== undefined) s = s.where('type', '=', filter.type);
    const rows = await s.orderBy('id').limit(10_000).execute();
    for (const r of rows) out.push({ name: r.name, type: num(r.type), ttl: num(r.ttl), content: r.content, disabled: num(r.disabled) !== 0 });
    if (rows.length < 10_000) return out;
    after = num(rows.at(-1)!.id);
  }
}
