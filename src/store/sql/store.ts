import type { Kysely } from 'kysely';
import { StoreError } from '../errors.js';
import type { StoreDialect } from '../dialect.js';
import type { StoreTables } from '../types.js';
import { StoreQueries } from './store-queries.js';
import { appliedMigrations, migrateStore } from './migrate.js';

export interface StoreStatus { dialect: string; location: string; readOnly: boolean; schema: string }

/**
 * An open store: the database, its queries, read-only detection and transactions. Every write the
 * catalog makes runs inside `write(fn)`, one transaction.
 */
export class Store {
  readonly q: StoreQueries;
  private schema = '';

  private constructor(readonly dialect: StoreDialect, readonly db: Kysely<StoreTables>, public readOnly: boolean) {
    this.q = new StoreQueries(db, dialect);
  }

  /** Connects, detects a read-only database and applies migrations (not on a read-only one). */
  static async open(dialect: StoreDialect): Promise<Store> {
    const db = dialect.connect();
    try {
      const readOnly = await dialect.isReadOnly(db);
      const store = new Store(dialect, db, readOnly);
      await migrateStore(db, dialect, readOnly);
      store.schema = (await appliedMigrations(db)).at(-1) ?? '';
      return store;
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }

  /** Asks the database again whether it accepts writes (a replica may be promoted, a primary fenced). */
  async refreshReadOnly(): Promise<boolean> {
    this.readOnly = await this.dialect.isReadOnly(this.db);
    return this.readOnly;
  }

  status(): StoreStatus {
    return { dialect: this.dialect.name, location: this.dialect.location, readOnly: this.readOnly, schema: this.schema };
  }

  /** Runs `fn` in one write transaction (refused on a read-only store). */
  async write<T>(fn: (q: StoreQueries) => Promise<T>): Promise<T> {
    if (this.readOnly) throw new StoreError('GDNS_ERR_STORE_READ_ONLY', `the store at ${this.dialect.location} is read-only`);
    return this.db.transaction().execute((tx) => fn(new StoreQueries(tx, this.dialect)));
  }

  /** Runs `fn` on one consistent snapshot (repeatable read; SQLite: one read transaction). */
  async snapshot<T>(fn: (q: StoreQueries) => Promise<T>): Promise<T> {
    return this.db.transaction().setIsolationLevel('repeatable read').execute((tx) => fn(new StoreQueries(tx, this.dialect)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
