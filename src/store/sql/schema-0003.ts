import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.js';

type Facts = Pick<StoreDialect, 'types'>;

/**
 * Migration 0003 (DNSSEC key management): `dnssec_keys.state` is where a key is in its life
 * (`published` in the DNSKEY RRset only, `ready` published and signing while the parent's DS is awaited,
 * `active`, `retired` published but no longer signing, see src/catalog/zone-keys.ts), `changed_at` when it
 * got there (epoch ms; rollovers wait from it). `private_key` may now hold `enc:v1:` + AES-256-GCM of the
 * key (the store's DNSSEC secret from the config).
 */
export async function up0003(db: Kysely<unknown>, d: Facts): Promise<void> {
  await db.schema.alterTable('dnssec_keys').addColumn('state', 'varchar(16)', (c) => c.notNull().defaultTo('active')).execute();
  await db.schema.alterTable('dnssec_keys').addColumn('changed_at', d.types.bigint, (c) => c.notNull().defaultTo(0)).execute();
}

export async function down0003(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('dnssec_keys').dropColumn('changed_at').execute();
  await db.schema.alterTable('dnssec_keys').dropColumn('state').execute();
}
