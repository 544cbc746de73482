import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import type { StoreTables } from '../types.js';
import { postgresFacts } from './postgres-facts.js';
import { m0001 } from './migrations/0001_initial.js';
import { m0002 } from './migrations/0002_api_keys.js';
import { m0003 } from './migrations/0003_dnssec.js';
import { m0006 } from './migrations/0006_accounts.js';
import { m0007 } from './migrations/0007_tsig_scopes.js';

/** Channel of the NOTIFY sent with every committed change (other nodes LISTEN on it). */
const CHANNEL = 'geodesic_changes';

/** PostgreSQL (postgres://user@host:port/db). A hot standby (pg_is_in_recovery) is read-only. */
export function postgresDialect(url: string, location: string): StoreDialect {
  return {
    name: 'postgres',
    location,
    supportsReturning: true,
    supportsForUpdate: true,
    ...postgresFacts,
    migrations: { '0001_initial': m0001, '0002_api_keys': m0002, '0003_dnssec': m0003, '0006_accounts': m0006, '0007_tsig_scopes': m0007 },
    connect: () => {
      const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
      // An idle connection that the server closes (restart, failover, a dropped database) is only taken out
      // of the pool; without a listener node would treat the pool's 'error' as an uncaught exception.
      pool.on('error', () => undefined);
      return new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
    },
    async isReadOnly(db) {
      const r = await sql<{ rec: boolean; ro: string }>`select pg_is_in_recovery() as rec, current_setting('transaction_read_only') as ro`.execute(db);
      const row = r.rows[0];
      return row !== undefined && (row.rec || row.ro === 'on');
    },
    async announceChange(db) {
      await sql`select pg_notify(${CHANNEL}, '')`.execute(db);
    },
    async watchChanges(onChange) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      try {
        await client.connect();
        client.on('notification', () => onChange());
        // A lost connection only costs the shortcut: polling still finds every change.
        client.on('error', () => undefined);
        await client.query(`LISTEN ${CHANNEL}`);
      } catch {
        await client.end().catch(() => undefined);
        return null; // hot standby ("cannot execute LISTEN during recovery") or no connection: poll only
      }
      return async () => { await client.end().catch(() => undefined); };
    },
    async syncIdSequence(db, table) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
    },
  };
}
