import { AppError } from '../lib/index.js';

export type HealthErrorCode = 'GDNS_ERR_HEALTH_SPEC' | 'GDNS_ERR_HEALTH_UNKNOWN' | 'GDNS_ERR_HEALTH_PRIMARY';

/** Errors of the health plane: a check that cannot be run as written, an unknown endpoint. */
export class HealthError extends AppError {
  declare readonly code: HealthErrorCode;
  constructor(code: HealthErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
