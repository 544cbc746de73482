import { AppError } from '../lib/index.js';

/** HTTP reason phrases PowerDNS puts in `{"error": ...}` when an error carries no message of its own. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 503: 'Service Unavailable',
};

/**
 * An API failure: the HTTP status and the message sent as `{"error": message}` (PowerDNS's shape). A
 * message of null sends the reason phrase ("Not Found"), as PowerDNS does for bare 400/401/404.
 */
export class ApiError extends AppError {
  constructor(readonly status: number, message: string | null, options?: { cause?: unknown }) {
    super(`GDNS_ERR_HTTP_${status}`, message ?? STATUS_TEXT[status] ?? `HTTP ${status}`, options);
  }
}

/** 422: PowerDNS's ApiException (bad data in a well-formed request). */
export const unprocessable = (message: string, cause?: unknown): ApiError => new ApiError(422, message, { cause });
export const notFound = (message: string | null = null): ApiError => new ApiError(404, message);
export const badRequest = (message: string | null = null): ApiError => new ApiError(400, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);
export const forbidden = (message: string): ApiError => new ApiError(403, message);

/** Status for the codes of lower modules (catalog, store); anything unknown is a 500. */
const CODE_STATUS: Readonly<Record<string, number>> = {
  GDNS_ERR_ZONE_EXISTS: 409,
  GDNS_ERR_ZONE_NOT_FOUND: 404,
  GDNS_ERR_ZONE_NAME: 422,
  GDNS_ERR_RECORD_INVALID: 422,
  GDNS_ERR_CHANGE_INVALID: 422,
  GDNS_ERR_ZONE_CHECK: 422,
  GDNS_ERR_SERIAL_POLICY: 422,
  GDNS_ERR_STORE_READ_ONLY: 503,
  GDNS_ERR_DNSSEC_KEY: 422,
  GDNS_ERR_DNSSEC_ALGORITHM: 422,
};

/** The ApiError for any thrown value (AppErrors by code; others become 500 with their message). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof AppError) return new ApiError(CODE_STATUS[err.code] ?? 500, err.message, { cause: err });
  return new ApiError(500, err instanceof Error ? err.message : String(err), { cause: err });
}
