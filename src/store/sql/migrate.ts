import { Migrator } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import { StoreError } from '../errors.js';
import type { StoreDialect } from '../dialect.js';
import type { StoreTables } from '../types.js';

export const MIGRATION_TABLE = 'geodesic_migration';

/** Names of the migrations already applied to the database ([] on an empty database). */
export async function appliedMigrations(db: Kysely<StoreTables>): Promise<string[]> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const rows = await (db as unknown as Kysely<Record<string, { name: string }>>)
    .selectFrom(MIGRATION_TABLE).select('name').orderBy('name').execute();
  return rows.map((r) => r.name);
}

/**
 * Brings the schema up to date at start-up. Refuses a schema newer than this node knows (a migration it
 * has never heard of), and on a read-only store only checks that the schema is exactly the known one.
 * Concurrent nodes are safe: Kysely's migration lock lets one node migrate while the others wait.
 */
export async function migrateStore(db: Kysely<StoreTables>, dialect: StoreDialect, readOnly: boolean): Promise<string[]> {
  const known = Object.keys(dialect.migrations).sort();
  const applied = await appliedMigrations(db);
  const unknown = applied.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new StoreError('GDNS_ERR_STORE_SCHEMA_NEWER',
      `the store at ${dialect.location} has schema ${applied.at(-1)}, newer than this Geodesic knows (${known.at(-1)}); upgrade Geodesic`);
  }
  const missing = known.filter((n) => !applied.includes(n));
  if (missing.length === 0) return [];
  if (readOnly) {
    throw new StoreError('GDNS_ERR_STORE_SCHEMA_OLDER',
      `the read-only store at ${dialect.location} lacks migrations ${missing.join(', ')}; migrate its primary first`);
  }
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...dialect.migrations } as Record<string, Migration>) };
  const migrator = new Migrator({
    db, provider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>;
  try {
    outcome = await migrator.migrateToLatest();
  } catch (error) {
    outcome = { error };
  }
  if (outcome.error !== undefined) {
    // Another node may be migrating at the same moment (SQLite has no migration lock): fine once it is done.
    for (let i = 0; i < 20; i++) {
      const now = await appliedMigrations(db).catch(() => [] as string[]);
      if (known.every((n) => now.includes(n))) return [];
      await new Promise((r) => setTimeout(r, 250));
    }
    throw outcome.error;
  }
  return (outcome.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
