import pg from 'pg';
import type { StoreLocation } from '../open-store.js';
import { withDatabase } from '../sql/with-database.js';

const ADMIN = process.env.GEODESIC_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try { await c.query(sqlText); } finally { await c.end(); }
}

/** A scratch PostgreSQL database on the local server. */
export async function postgresScratch(name: string): Promise<{ where: StoreLocation; drop(): Promise<void> }> {
  await admin(`create database ${name}`);
  return { where: { db: withDatabase(ADMIN, name) }, drop: () => admin(`drop database if exists ${name} with (force)`) };
}
