import type { ColumnDataType, ColumnDefinitionBuilder, Expression, Kysely, Migration } from 'kysely';
import type { StoreTables } from './types.js';

type DataTypeExpression = ColumnDataType | Expression<unknown>;

/**
 * What one database brings: a Kysely dialect (connection), facts, and small SQL fragments. Everything
 * else (queries, migrations' shape, backup) is dialect-agnostic code in store/sql.
 */
export interface StoreDialect {
  /** For messages and status ("sqlite", "postgres", "mysql"). */
  readonly name: string;
  /** Where the data lives, without credentials (status, logs). */
  readonly location: string;
  /** INSERT ... RETURNING works (else the driver's insertId is used). */
  readonly supportsReturning: boolean;
  /** SELECT ... FOR UPDATE works (SQLite locks the whole database on the first write instead). */
  readonly supportsForUpdate: boolean;
  /** Column types. */
  readonly types: { blob: DataTypeExpression; bigint: DataTypeExpression; text: DataTypeExpression };
  /** Makes an auto-increment integer primary key column. */
  autoId(col: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Migrations by name (NNNN_name), the same names on every dialect. */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** Opens the Kysely instance (and runs per-connection settings). */
  connect(): Kysely<StoreTables>;
  /** True when the database refuses writes (hot standby, read_only replica, read-only file). */
  isReadOnly(db: Kysely<StoreTables>): Promise<boolean>;
  /**
   * Tells other nodes at commit that the change counter moved (PostgreSQL: NOTIFY inside the write
   * transaction, delivered at commit). Absent: other nodes find the change by polling.
   */
  announceChange?(db: Kysely<StoreTables>): Promise<void>;
  /**
   * Calls `onChange` soon after any node commits a change (PostgreSQL: LISTEN on its own connection).
   * Resolves to a stop function, or null where the database cannot do it (a hot standby refuses LISTEN):
   * polling alone then finds changes.
   */
  watchChanges?(onChange: () => void): Promise<(() => Promise<void>) | null>;
  /** After rows were inserted with explicit ids (restore): move the id sequence past them. */
  syncIdSequence(db: Kysely<StoreTables>, table: string): Promise<void>;
}
