import { AppError } from '../lib/index.js';

/** Stable codes of the relay's application errors (config faults, listen failures, reload refusals). */
export const RelayErrorCode = {
  config: 'GDNS_ERR_RELAY_CONFIG',
  listen: 'GDNS_ERR_RELAY_LISTEN',
  proxyHeader: 'GDNS_ERR_RELAY_PROXY_HEADER',
  noUpstream: 'GDNS_ERR_RELAY_NO_UPSTREAM',
  closed: 'GDNS_ERR_RELAY_CLOSED',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

/** The one error class of src/relay. */
export class RelayError extends AppError {
  constructor(code: RelayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
