import type { StoreDialect } from '../dialect.js';

/** SQLite column types: INTEGER PRIMARY KEY is the rowid (auto-assigned, explicit ids allowed). */
export const sqliteFacts: Pick<StoreDialect, 'types' | 'autoId'> = {
  types: { blob: 'blob', bigint: 'integer', text: 'text' },
  autoId: (c) => c,
};
