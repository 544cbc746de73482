import type { Kysely, Migration } from 'kysely';
import { down0006, up0006 } from '../../sql/schema-0006.js';
import { sqliteFacts } from '../sqlite-facts.js';

/** 0006: admin UI sessions and operators' zones (store/sql/schema-0006.ts) with sqlite column types. */
export const m0006: Migration = {
  up: (db: Kysely<unknown>) => up0006(db, sqliteFacts),
  down: (db: Kysely<unknown>) => down0006(db),
};
