import { createConnection } from 'mysql2/promise';
import type { StoreLocation } from '../open-store.js';
import { withDatabase } from '../sql/with-database.js';

const ADMIN = process.env.GEODESIC_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/test';

async function admin(sqlText: string): Promise<void> {
  const c = await createConnection({ uri: ADMIN, connectTimeout: 10_000 });
  try { await c.query(sqlText); } finally { await c.end(); }
}

/** A scratch MariaDB/MySQL database on the local server. */
export async function mysqlScratch(name: string): Promise<{ where: StoreLocation; drop(): Promise<void> }> {
  await admin(`create database ${name}`);
  return { where: { db: withDatabase(ADMIN, name) }, drop: () => admin(`drop database if exists ${name}`) };
}
