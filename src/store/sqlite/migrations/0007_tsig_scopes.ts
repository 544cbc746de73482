import type { Kysely, Migration } from 'kysely';
import { down0007, up0007 } from '../../sql/schema-0007.js';
import { sqliteFacts } from '../sqlite-facts.js';

/** 0007: TSIG key scopes (store/sql/schema-0007.ts) with sqlite column types. */
export const m0007: Migration = {
  up: (db: Kysely<unknown>) => up0007(db, sqliteFacts),
  down: (db: Kysely<unknown>) => down0007(db),
};
