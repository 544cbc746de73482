import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';

type Facts = Pick<StoreDialect, 'types' | 'autoId'>;

/**
 * Migration 0006 (admin UI accounts): `sessions` holds signed-in browsers (the SHA-256 of the cookie's
 * token, never the token; not in backups: a restore signs everyone out), `user_zones` the zones an
 * operator may change.
 */
export async function up0006(db: Kysely<unknown>, d: Facts): Promise<void> {
  // user_zones has an id like every table the backup walks (backups page by id).
  await db.schema.createTable('sessions')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('csrf', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', d.types.bigint, (c) => c.notNull())
    .addColumn('seen_at', d.types.bigint, (c) => c.notNull())
    .addColumn('expires_at', d.types.bigint, (c) => c.notNull()).execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.createTable('user_zones')
    .addColumn('id', 'integer', (c) => d.autoId(c.primaryKey()))
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('zone', 'varchar(255)', (c) => c.notNull()).execute();
  await db.schema.createIndex('user_zones_user').on('user_zones').columns(['user_id', 'zone']).unique().execute();
}

export async function down0006(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_zones').execute();
  await db.schema.dropTable('sessions').execute();
}
