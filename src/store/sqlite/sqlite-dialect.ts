import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { StoreTables } from '../types.js';
import { sqliteFacts } from './sqlite-facts.js';
import { m0001 } from './migrations/0001_initial.js';
import { m0002 } from './migrations/0002_api_keys.js';
import { m0003 } from './migrations/0003_dnssec.js';
import { m0006 } from './migrations/0006_accounts.js';
import { m0007 } from './migrations/0007_tsig_scopes.js';

export const SQLITE_FILE = 'geodesic.db';

/**
 * The default store: DIR/geodesic.db, created on first start, WAL with synchronous=FULL (a kill -9
 * loses no acknowledged change). A file this process may not write is opened read-only.
 */
export function sqliteDialect(dir: string): StoreDialect {
  const file = join(dir, SQLITE_FILE);
  let readonly = false;
  if (existsSync(file)) {
    try { accessSync(file, constants.W_OK); } catch { readonly = true; }
  } else {
    mkdirSync(dir, { recursive: true });
  }
  let handle: Database.Database | null = null;
  return {
    name: 'sqlite',
    location: file,
    supportsReturning: true,
    supportsForUpdate: false,
    ...sqliteFacts,
    migrations: { '0001_initial': m0001, '0002_api_keys': m0002, '0003_dnssec': m0003, '0006_accounts': m0006, '0007_tsig_scopes': m0007 },
    connect() {
      handle = new Database(file, { readonly, timeout: 10_000 });
      if (!readonly) {
        handle.pragma('journal_mode = WAL');
        handle.pragma('synchronous = FULL');
      }
      return new Kysely<StoreTables>({ dialect: new SqliteDialect({ database: handle }) });
    },
    isReadOnly: () => Promise.resolve(handle?.readonly ?? readonly),
    syncIdSequence: () => Promise.resolve(),
  };
}
