import type { Kysely, Migration } from 'kysely';
import { down0003, up0003 } from '../../sql/schema-0003.js';
import { sqliteFacts } from '../sqlite-facts.js';

/** 0003: DNSSEC key states and timing (store/sql/schema-0003.ts) with sqlite column types. */
export const m0003: Migration = {
  up: (db: Kysely<unknown>) => up0003(db, sqliteFacts),
  down: (db: Kysely<unknown>) => down0003(db),
};
