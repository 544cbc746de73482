import { createPool } from 'mysql2';
import { Kysely, MysqlDialect, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { StoreTables } from '../types.js';
import { mysqlFacts } from './mysql-facts.js';
import { m0001 } from './migrations/0001_initial.js';
import { m0002 } from './migrations/0002_api_keys.js';
import { m0003 } from './migrations/0003_dnssec.js';
import { m0006 } from './migrations/0006_accounts.js';
import { m0007 } from './migrations/0007_tsig_scopes.js';

/** MariaDB or MySQL (mysql://user:pass@host:port/db). A server with read_only set is read-only. */
export function mysqlDialect(url: string, location: string): StoreDialect {
  return {
    name: 'mysql',
    location,
    supportsReturning: false,
    supportsForUpdate: true,
    ...mysqlFacts,
    migrations: { '0001_initial': m0001, '0002_api_keys': m0002, '0003_dnssec': m0003, '0006_accounts': m0006, '0007_tsig_scopes': m0007 },
    connect: () => new Kysely<StoreTables>({
      dialect: new MysqlDialect({ pool: createPool({ uri: url, connectionLimit: 4, connectTimeout: 10_000 }) }),
    }),
    async isReadOnly(db) {
      const r = await sql<{ ro: number | string }>`select @@global.read_only as ro`.execute(db);
      return Number(r.rows[0]?.ro ?? 0) !== 0;
    },
    syncIdSequence: () => Promise.resolve(),
  };
}
