import { AppError } from '../lib/index.js';

export type CatalogErrorCode =
  | 'GDNS_ERR_ZONE_EXISTS'
  | 'GDNS_ERR_ZONE_NOT_FOUND'
  | 'GDNS_ERR_ZONE_NAME'        // not a domain name
  | 'GDNS_ERR_RECORD_INVALID'   // content that does not parse, owner outside the zone, bad TTL
  | 'GDNS_ERR_CHANGE_INVALID'   // a change set that makes no sense (unknown changetype, duplicate RRset)
  | 'GDNS_ERR_ZONE_CHECK'       // the zone after the change fails the semantic checks (CNAME and other data...)
  | 'GDNS_ERR_SERIAL_POLICY'    // unknown serial policy
  | 'GDNS_ERR_DNSSEC_SECRET'    // an encrypted private key without the right dnssec.secret
  | 'GDNS_ERR_DNSSEC_KEY';      // a key operation that cannot be done (unknown key, bad state)

/** A catalog failure with a stable code (the HTTP API maps codes to statuses). */
export class CatalogError extends AppError {
  declare readonly code: CatalogErrorCode;
  constructor(code: CatalogErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
