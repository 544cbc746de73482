// Reads a PowerDNS generic-SQL database (gsqlite3, gmysql, gpgsql schema 4.x) as plain rows.
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';

export interface PdnsDomain { id: number; name: string; master: string | null; type: string; account: string | null }
export interface PdnsRecord { domain_id: number; name: string; type: string | null; content: string; ttl: number; prio: number | null; disabled: number | boolean }
export interface PdnsComment { domain_id: number; name: string; type: string; modified_at: number; account: string | null; comment: string }
export interface PdnsMeta { domain_id: number; kind: string; content: string }
export interface PdnsKey { domain_id: number; flags: number; active: number | boolean; published: number | boolean | null; content: string }
export interface PdnsTsig { name: string; algorithm: string; secret: string }

/** Everything the migration copies, read in one go (a PowerDNS database of any size that fits a server). */
export interface PdnsData {
  domains: PdnsDomain[];
  records: PdnsRecord[];
  comments: PdnsComment[];
  metadata: PdnsMeta[];
  cryptokeys: PdnsKey[];
  tsigkeys: PdnsTsig[];
}

const QUERIES = {
  domains: 'SELECT id, name, master, type, account FROM domains ORDER BY id',
  records: 'SELECT domain_id, name, type, content, ttl, prio, disabled FROM records ORDER BY domain_id, id',
  comments: 'SELECT domain_id, name, type, modified_at, account, comment FROM comments ORDER BY id',
  metadata: 'SELECT domain_id, kind, content FROM domainmetadata ORDER BY id',
  cryptokeys: 'SELECT domain_id, flags, active, published, content FROM cryptokeys ORDER BY id',
  tsigkeys: 'SELECT name, algorithm, secret FROM tsigkeys ORDER BY id',
} as const;

/**
 * Reads a PowerDNS database: `sqlite:PATH` (or a path to the .sqlite3 file), `mysql://user:pass@host/db`,
 * `postgres://user@host/db`. Read-only: nothing is written to it.
 */
export async function readPowerDns(url: string): Promise<PdnsData> {
  const out: Record<string, unknown[]> = {};
  if (/^mysql:\/\//.test(url) || /^mariadb:\/\//.test(url)) {
    const conn = await mysql.createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), connectTimeout: 10_000 });
    try {
      for (const [k, q] of Object.entries(QUERIES)) out[k] = (await conn.query(q))[0] as unknown[];
    } finally {
      await conn.end();
    }
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      for (const [k, q] of Object.entries(QUERIES)) out[k] = (await client.query(q)).rows;
    } finally {
      await client.end();
    }
  } else {
    const path = url.replace(/^sqlite3?:(\/\/)?/, '');
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      for (const [k, q] of Object.entries(QUERIES)) out[k] = db.prepare(q).all();
    } finally {
      db.close();
    }
  }
  return out as unknown as PdnsData;
}
