import { AppError } from '../lib/index.js';

export type XfrErrorCode =
  | 'GDNS_ERR_XFR_TIMEOUT'     // a peer did not answer in time
  | 'GDNS_ERR_XFR_NETWORK'     // connection refused, reset, closed early
  | 'GDNS_ERR_XFR_REFUSED'     // the peer answered with an error rcode (REFUSED, NOTAUTH, ...)
  | 'GDNS_ERR_XFR_TSIG'        // a signed answer failed verification, or an unsigned one came when signed was asked
  | 'GDNS_ERR_XFR_MALFORMED'   // the transfer broke the protocol (no SOA first, wrong zone, cut short)
  | 'GDNS_ERR_XFR_TOO_BIG'     // over the size cap (records or bytes)
  | 'GDNS_ERR_XFR_ZONE'        // the transferred zone fails the checks a stored zone must pass
  | 'GDNS_ERR_XFR_UNKNOWN_ZONE'// no such secondary zone
  | 'GDNS_ERR_XFR_CONFIG';     // a bad primary address, an unknown key

/** A replication failure with a stable code; the message names the peer and the zone. */
export class XfrError extends AppError {
  declare readonly code: XfrErrorCode;
  constructor(code: XfrErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
