import { AppError } from '../lib/index.js';

export type AliasErrorCode =
  | 'GDNS_ERR_ALIAS_RESOLVER'
  | 'GDNS_ERR_ALIAS_TIMEOUT'
  | 'GDNS_ERR_ALIAS_RCODE'
  | 'GDNS_ERR_ALIAS_ANSWER';

/** Errors of ALIAS target resolution: bad resolver address, no answer in time, an error rcode, a malformed
 * or mismatched answer. */
export class AliasError extends AppError {
  declare readonly code: AliasErrorCode;
  constructor(code: AliasErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
