import type { Kysely, Migration } from 'kysely';
import { down0003, up0003 } from '../../sql/schema-0003.js';
import { postgresFacts } from '../postgres-facts.js';

/** 0003: DNSSEC key states and timing (store/sql/schema-0003.ts) with postgres column types. */
export const m0003: Migration = {
  up: (db: Kysely<unknown>) => up0003(db, postgresFacts),
  down: (db: Kysely<unknown>) => down0003(db),
};
