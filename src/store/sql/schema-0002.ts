import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';

type Facts = Pick<StoreDialect, 'types'>;

/**
 * Migration 0002 (API keys with scopes): `api_keys.scopes` holds the key's scopes as JSON (a list of
 * `{zones?, names?, types?, readOnly}`; NULL grants nothing), `api_keys.hint` the first characters of
 * the key so people can tell keys apart (the key itself is stored only as its SHA-256).
 */
export async function up0002(db: Kysely<unknown>, d: Facts): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('scopes', d.types.text).execute();
  await db.schema.alterTable('api_keys').addColumn('hint', 'varchar(32)').execute();
}

export async function down0002(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('hint').execute();
  await db.schema.alterTable('api_keys').dropColumn('scopes').execute();
}
