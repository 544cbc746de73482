import { AppError } from '../lib/index.js';

/** Codes of src/dnssec's errors (stable: tests, API status tables). */
export type DnssecErrorCode =
  | 'GDNS_ERR_DNSSEC_ALGORITHM'     // an algorithm Geodesic does not sign with
  | 'GDNS_ERR_DNSSEC_NO_KEY'        // a zone to sign without an active key
  | 'GDNS_ERR_DNSSEC_KEY_FILE'      // a key file that cannot be read or parsed
  | 'GDNS_ERR_DNSSEC_ZONE';         // a zone that cannot be signed (bad NSEC3 parameters...)

export class DnssecError extends AppError {
  declare readonly code: DnssecErrorCode;
  constructor(code: DnssecErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
