// Public entry of src/store: the zone store on SQLite, PostgreSQL or MariaDB/MySQL (Kysely), migrations,
// backup and restore. Dialect differences live in sqlite/, postgres/ and mysql/ only.
export { openStore, dialectFor } from './open-store.js';
export type { StoreLocation } from './open-store.js';
export { Store } from './sql/store.js';
export type { StoreStatus } from './sql/store.js';
export { StoreQueries } from './sql/store-queries.js';
export type { NewRecord, NewZone, ServedRecord } from './sql/store-queries.js';
export { apiKeyByHash, listApiKeys, insertApiKey, updateApiKey, deleteApiKey } from './sql/api-keys.js';
export { searchRecords, searchComments, recordTexts } from './sql/search.js';
export type { SearchHit, RecordText } from './sql/search.js';
export { backupStore, restoreStore, BACKUP_FORMAT } from './sql/backup.js';
export type { BackupHeader, BackupSummary } from './sql/backup.js';
export { appliedMigrations, MIGRATION_TABLE } from './sql/migrate.js';
export { StoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export type { StoreDialect } from './dialect.js';
export { ZONE_KINDS, TABLES } from './types.js';
export type {
  ZoneKind, ZoneRow, RecordRow, CommentRow, RRsetState, RRsetChange, JournalEntry, TsigKeyRow, ApiKeyRow, StoreTables,
} from './types.js';
export { createScratchStore, SCRATCH_DIALECTS } from './scratch-store.js';
export type { ScratchStore, ScratchDialect } from './scratch-store.js';
