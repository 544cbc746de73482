import type { Kysely, Migration } from 'kysely';
import { down0002, up0002 } from '../../sql/schema-0002.js';
import { postgresFacts } from '../postgres-facts.js';

/** 0002: API key scopes (store/sql/schema-0002.ts) with postgres column types. */
export const m0002: Migration = {
  up: (db: Kysely<unknown>) => up0002(db, postgresFacts),
  down: (db: Kysely<unknown>) => down0002(db),
};
