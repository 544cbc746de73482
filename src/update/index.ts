// Public entry of src/update: RFC 2136 dynamic updates of the store's zones (TSIG, PowerDNS metadata, key scopes).
export { UpdateHandler } from './handler.js';
export type { UpdateKey, UpdateOptions, UpdateOutcome } from './handler.js';
export { planUpdate } from './plan.js';
export type { Plan } from './plan.js';
