import { ApiError, conflict, unprocessable } from './errors.js';
import type { ApiContext } from './context.js';

/** Error codes of a write that lost a race with another writer (retrying is safe). */
const CONFLICT_CODES = new Set([
  '40001', '40P01',                                  // PostgreSQL serialization failure, deadlock
  'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT',        // MariaDB/MySQL
  'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED',
]);

export function isWriteConflict(err: unknown): boolean {
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if (CONFLICT_CODES.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/**
 * Writes to one zone run one after another on this node (a chain of promises per zone), so concurrent
 * PATCHes do not fight over the database; writers on other nodes are serialized by the store's change
 * counter row, and one that loses a deadlock or a busy database gets 409, never 500.
 */
export class ZoneLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(zone: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(zone) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.tails.set(zone, next);
    try {
      return await next;
    } finally {
      if (this.tails.get(zone) === next) this.tails.delete(zone);
    }
  }
}

const locks = new WeakMap<ApiContext, ZoneLocks>();

/**
 * Runs a write to a stored zone: refused (422) for zone-file zones, serialized per zone, database races
 * turned into 409, and answered only once DNS serves the change (ctx.settled()).
 */
export async function writeZone<T>(ctx: ApiContext, zone: string, fn: () => Promise<T>): Promise<T> {
  if (ctx.zoneSource(zone) === 'file') {
    throw unprocessable(`Zone ${zone} is served from a zone file, which the API does not change (edit the file and reload)`);
  }
  let l = locks.get(ctx);
  if (l === undefined) locks.set(ctx, l = new ZoneLocks());
  try {
    const out = await l.run(zone, fn);
    await ctx.settled();
    return out;
  } catch (err) {
    if (!(err instanceof ApiError) && isWriteConflict(err)) throw conflict(`Zone ${zone} was being changed by another writer at the same time; retry`);
    throw err;
  }
}
