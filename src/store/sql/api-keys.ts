import type { ApiKeyRow } from '../types.js';
import type { StoreQueries } from './store-queries.js';
import { num } from './rows.js';

type Row = { id: number; name: string; key_hash: string; user_id: number | null; created_at: number | string; scopes: string | null; hint: string | null };

const fromRow = (r: Row): ApiKeyRow => ({
  id: num(r.id), name: r.name, keyHash: r.key_hash, userId: r.user_id === null ? null : num(r.user_id),
  createdAt: num(r.created_at), scopes: r.scopes, hint: r.hint,
});

/** The API key with this hash (X-API-Key lookups). */
export async function apiKeyByHash(q: StoreQueries, keyHash: string): Promise<ApiKeyRow | undefined> {
  const r = await q.db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
  return r && fromRow(r);
}

/** Every API key (of one user when `userId` is given), oldest first. */
export async function listApiKeys(q: StoreQueries, userId?: number): Promise<ApiKeyRow[]> {
  let s = q.db.selectFrom('api_keys').selectAll();
  if (userId !== undefined) s = s.where('user_id', '=', userId);
  return (await s.orderBy('id').execute()).map(fromRow);
}

export async function insertApiKey(q: StoreQueries, k: Omit<ApiKeyRow, 'id'>): Promise<number> {
  await q.db.insertInto('api_keys').values({
    name: k.name, key_hash: k.keyHash, user_id: k.userId, created_at: k.createdAt, scopes: k.scopes, hint: k.hint,
  }).execute();
  return (await apiKeyByHash(q, k.keyHash))!.id;
}

export async function updateApiKey(q: StoreQueries, id: number, set: { name?: string; scopes?: string }): Promise<void> {
  if (set.name === undefined && set.scopes === undefined) return;
  await q.db.updateTable('api_keys').set(set).where('id', '=', id).execute();
}

/** Deletes a key; false when there was none with this id. */
export async function deleteApiKey(q: StoreQueries, id: number): Promise<boolean> {
  const r = await q.db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
