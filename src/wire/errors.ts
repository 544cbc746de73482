import { AppError } from '../lib/index.js';

/** Stable codes of the codec's one error class. */
export type WireErrorCode =
  | 'GDNS_ERR_WIRE_TRUNCATED'
  | 'GDNS_ERR_WIRE_TRAILING_DATA'
  | 'GDNS_ERR_WIRE_POINTER_LOOP'
  | 'GDNS_ERR_WIRE_FORWARD_POINTER'
  | 'GDNS_ERR_WIRE_POINTER_OUT_OF_BOUNDS'
  | 'GDNS_ERR_WIRE_LABEL_TOO_LONG'
  | 'GDNS_ERR_WIRE_NAME_TOO_LONG'
  | 'GDNS_ERR_WIRE_BAD_LABEL_TYPE'
  | 'GDNS_ERR_WIRE_BAD_RDATA'
  | 'GDNS_ERR_WIRE_BAD_EDNS'
  | 'GDNS_ERR_WIRE_BAD_ECS'
  | 'GDNS_ERR_WIRE_BAD_COOKIE'
  | 'GDNS_ERR_WIRE_BAD_TSIG'
  | 'GDNS_ERR_WIRE_NO_SPACE'
  | 'GDNS_ERR_WIRE_SYNTAX';

/** The only error the codec throws. `code` says what is wrong; `message` says where and why. */
export class WireError extends AppError {
  declare readonly code: WireErrorCode;
  constructor(code: WireErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export function syntaxError(message: string): WireError {
  return new WireError('GDNS_ERR_WIRE_SYNTAX', message);
}

export function truncated(what: string): WireError {
  return new WireError('GDNS_ERR_WIRE_TRUNCATED', `${what}: message ends too early`);
}

export function badRdata(message: string): WireError {
  return new WireError('GDNS_ERR_WIRE_BAD_RDATA', message);
}
