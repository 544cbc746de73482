import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';

type Facts = Pick<StoreDialect, 'types'>;

/**
 * Migration 0007 (TSIG key scopes): `tsig_keys.scopes` holds what a key may change through DNS UPDATE, as
 * the JSON list of scopes API keys use (`{zones?, names?, types?, readOnly}`); NULL: no restriction beyond
 * the zone's TSIG-ALLOW-DNSUPDATE metadata (PowerDNS's behaviour).
 */
export async function up0007(db: Kysely<unknown>, d: Facts): Promise<void> {
  await db.schema.alterTable('tsig_keys').addColumn('scopes', d.types.text).execute();
}

export async function down0007(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tsig_keys').dropColumn('scopes').execute();
}
