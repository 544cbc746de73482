import { sql } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/** MariaDB/MySQL column types: LONGTEXT/LONGBLOB (TEXT stops at 64 KiB), AUTO_INCREMENT ids. */
export const mysqlFacts: Pick<StoreDialect, 'types' | 'autoId'> = {
  types: { blob: sql`longblob`, bigint: 'bigint', text: sql`longtext` },
  autoId: (c) => c.autoIncrement(),
};
