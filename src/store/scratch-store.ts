import { randomBytes } from 'node:crypto';
import type { StoreLocation } from './open-store.js';
import { sqliteScratch } from './sqlite/sqlite-scratch.js';
import { postgresScratch } from './postgres/postgres-scratch.js';
import { mysqlScratch } from './mysql/mysql-scratch.js';

/** A fresh, empty database for a test or benchmark; `drop()` removes it. */
export interface ScratchStore { dialect: ScratchDialect; where: StoreLocation; drop(): Promise<void> }

const FACTORIES = {
  sqlite: sqliteScratch,
  postgres: postgresScratch,
  mysql: mysqlScratch,
} satisfies Record<string, (name: string) => Promise<Omit<ScratchStore, 'dialect'>>>;

/** The dialects tests loop over (real servers of this machine; see DEVELOPERS.md). */
export type ScratchDialect = keyof typeof FACTORIES;
export const SCRATCH_DIALECTS = Object.keys(FACTORIES) as ScratchDialect[];

/**
 * A temporary folder for SQLite, a new database (gdns_<random>) on the PostgreSQL or MariaDB server
 * (GEODESIC_TEST_PG / GEODESIC_TEST_MYSQL name the admin URLs).
 */
export async function createScratchStore(dialect: ScratchDialect): Promise<ScratchStore> {
  return { dialect, ...await FACTORIES[dialect](`gdns_${randomBytes(6).toString('hex')}`) };
}
