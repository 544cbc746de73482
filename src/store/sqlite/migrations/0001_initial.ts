import type { Kysely, Migration } from 'kysely';
import { down0001, up0001 } from '../../sql/schema-0001.js';
import { sqliteFacts } from '../sqlite-facts.js';

/** 0001: the initial schema (store/sql/schema-0001.ts) with sqlite column types. */
export const m0001: Migration = {
  up: (db: Kysely<unknown>) => up0001(db, sqliteFacts),
  down: (db: Kysely<unknown>) => down0001(db),
};
