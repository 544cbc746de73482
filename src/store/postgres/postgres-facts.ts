import type { StoreDialect } from '../dialect.js';

/** PostgreSQL column types; identity columns accept explicit ids (restore), then syncIdSequence. */
export const postgresFacts: Pick<StoreDialect, 'types' | 'autoId'> = {
  types: { blob: 'bytea', bigint: 'bigint', text: 'text' },
  autoId: (c) => c.generatedByDefaultAsIdentity(),
};
