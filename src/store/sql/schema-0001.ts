import type { CreateTableBuilder, Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';

type Facts = Pick<StoreDialect, 'types' | 'autoId'>;

/** Migration 0001 (initial schema), written once; each dialect's 0001_initial.ts calls it with its facts. */
export async function up0001(db: Kysely<unknown>, d: Facts): Promise<void> {
  const { blob, bigint, text } = d.types;
  const withId = (name: string): CreateTableBuilder<string, 'id'> =>
    db.schema.createTable(name).addColumn('id', 'integer', (c) => d.autoId(c.primaryKey()));

  await db.schema.createTable('change_counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', bigint, (c) => c.notNull()).execute();
  await db.insertInto('change_counter' as never).values({ id: 1, value: 0 } as never).execute();

  await withId('zones')
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('primaries', text, (c) => c.notNull())
    .addColumn('account', 'varchar(255)', (c) => c.notNull())
    .addColumn('serial_policy', 'varchar(32)', (c) => c.notNull())
    .addColumn('change_seq', bigint, (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull()).execute();

  await withId('records')
    .addColumn('zone_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('ttl', bigint, (c) => c.notNull())
    .addColumn('content', text, (c) => c.notNull())
    .addColumn('wire', blob, (c) => c.notNull())
    .addColumn('disabled', 'smallint', (c) => c.notNull()).execute();
  await db.schema.createIndex('records_rrset').on('records').columns(['zone_id', 'name', 'type']).execute();
  await db.schema.createIndex('records_zone').on('records').columns(['zone_id', 'id']).execute();

  await withId('comments')
    .addColumn('zone_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('account', 'varchar(255)', (c) => c.notNull())
    .addColumn('content', text, (c) => c.notNull())
    .addColumn('modified_at', bigint, (c) => c.notNull()).execute();
  await db.schema.createIndex('comments_rrset').on('comments').columns(['zone_id', 'name', 'type']).execute();

  await withId('zone_metadata')
    .addColumn('zone_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('content', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('zone_metadata_zone').on('zone_metadata').columns(['zone_id', 'kind']).execute();

  await withId('tsig_keys')
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('algorithm', 'varchar(64)', (c) => c.notNull())
    .addColumn('secret', text, (c) => c.notNull()).execute();

  await withId('dnssec_keys')
    .addColumn('zone_id', 'integer', (c) => c.notNull())
    .addColumn('flags', 'integer', (c) => c.notNull())
    .addColumn('algorithm', 'integer', (c) => c.notNull())
    .addColumn('active', 'smallint', (c) => c.notNull())
    .addColumn('published', 'smallint', (c) => c.notNull())
    .addColumn('private_key', text, (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull()).execute();
  await db.schema.createIndex('dnssec_keys_zone').on('dnssec_keys').column('zone_id').execute();

  await withId('users')
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('password_hash', text, (c) => c.notNull())
    .addColumn('role', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull()).execute();

  await withId('api_keys')
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('key_hash', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer')
    .addColumn('created_at', bigint, (c) => c.notNull()).execute();

  await db.schema.createTable('settings')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('value', text, (c) => c.notNull()).execute();

  await withId('journal')
    .addColumn('zone_id', 'integer', (c) => c.notNull())
    .addColumn('seq', bigint, (c) => c.notNull())
    .addColumn('serial_from', bigint, (c) => c.notNull())
    .addColumn('serial_to', bigint, (c) => c.notNull())
    .addColumn('author', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', bigint, (c) => c.notNull())
    .addColumn('changes', text, (c) => c.notNull()).execute();
  await db.schema.createIndex('journal_zone').on('journal').columns(['zone_id', 'id']).execute();
}

export async function down0001(db: Kysely<unknown>): Promise<void> {
  for (const t of ['journal', 'settings', 'api_keys', 'users', 'dnssec_keys', 'tsig_keys', 'zone_metadata', 'comments',
    'records', 'zones', 'change_counter']) await db.schema.dropTable(t).execute();
}
