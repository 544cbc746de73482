import { AppError } from '../lib/index.js';

export type StoreErrorCode =
  | 'GDNS_ERR_STORE_URL'            // --db URL not understood
  | 'GDNS_ERR_STORE_SCHEMA_NEWER'   // the database was migrated by a newer Geodesic
  | 'GDNS_ERR_STORE_SCHEMA_OLDER'   // a read-only replica whose schema is behind this node
  | 'GDNS_ERR_STORE_READ_ONLY'      // a write on a read-only store
  | 'GDNS_ERR_STORE_BACKUP'         // a backup file that cannot be restored
  | 'GDNS_ERR_STORE_NOT_EMPTY';     // restore into a store that holds zones

/** A store failure with a stable code. */
export class StoreError extends AppError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
