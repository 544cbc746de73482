import type { Kysely, Migration } from 'kysely';
import { down0007, up0007 } from '../../sql/schema-0007.js';
import { mysqlFacts } from '../mysql-facts.js';

/** 0007: TSIG key scopes (store/sql/schema-0007.ts) with mysql column types. */
export const m0007: Migration = {
  up: (db: Kysely<unknown>) => up0007(db, mysqlFacts),
  down: (db: Kysely<unknown>) => down0007(db),
};
