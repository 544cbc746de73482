import type { Kysely, Migration } from 'kysely';
import { down0007, up0007 } from '../../sql/schema-0007.js';
import { postgresFacts } from '../postgres-facts.js';

/** 0007: TSIG key scopes (store/sql/schema-0007.ts) with postgres column types. */
export const m0007: Migration = {
  up: (db: Kysely<unknown>) => up0007(db, postgresFacts),
  down: (db: Kysely<unknown>) => down0007(db),
};
