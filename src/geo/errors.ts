import { AppError } from '../lib/index.js';

export type GeoErrorCode =
  | 'GDNS_ERR_GEO_ADDRESS'
  | 'GDNS_ERR_GEO_DB_OPEN'
  | 'GDNS_ERR_GEO_DB_BROKEN'
  | 'GDNS_ERR_GEO_OVERRIDE'
  | 'GDNS_ERR_GEO_RULE'
  | 'GDNS_ERR_LUA_SCRIPT'
  | 'GDNS_ERR_LUA_BUDGET'
  | 'GDNS_ERR_LUA_RESULT';

/** Errors of the geo module: GeoIP databases, the override table, LUA record evaluation. */
export class GeoError extends AppError {
  declare readonly code: GeoErrorCode;
  constructor(code: GeoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
