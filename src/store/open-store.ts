import { StoreError } from './errors.js';
import type { StoreDialect } from './dialect.js';
import { Store } from './sql/store.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';

/** Where the store is: `--data DIR` (SQLite) or `--db URL` (postgres://…, mysql://…). */
export interface StoreLocation { data?: string; db?: string }

/** The dialect a location names (no connection yet). */
export function dialectFor(where: StoreLocation): StoreDialect {
  if (where.db !== undefined) {
    let url: URL;
    try {
      url = new URL(where.db);
    } catch {
      throw new StoreError('GDNS_ERR_STORE_URL', `--db ${JSON.stringify(where.db)} is not a URL (postgres://… or mysql://…)`);
    }
    const location = `${url.protocol}//${url.host}${url.pathname}`;
    if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return postgresDialect(where.db, location);
    if (url.protocol === 'mysql:' || url.protocol === 'mariadb:') {
      url.protocol = 'mysql:';
      return mysqlDialect(url.toString(), location);
    }
    if (url.protocol === 'sqlite:' || url.protocol === 'file:') return sqliteDialect(decodeURIComponent(url.pathname));
    throw new StoreError('GDNS_ERR_STORE_URL', `--db ${location}: unknown database type ${url.protocol} (postgres://… or mysql://…)`);
  }
  if (where.data !== undefined) return sqliteDialect(where.data);
  throw new StoreError('GDNS_ERR_STORE_URL', 'no store given: use --data DIR (SQLite) or --db URL');
}

/** Opens (and migrates) the store at a location. */
export async function openStore(where: StoreLocation): Promise<Store> {
  return Store.open(dialectFor(where));
}
