export { GeoError } from './errors.js';
export type { GeoErrorCode } from './errors.js';
export {
  addressFromText, addressToText, networkFromText, networkToText, networkHas, truncate, tryAddress,
} from './address.js';
export type { Network } from './address.js';
export { MmdbFile } from './mmdb-file.js';
export type { GeoRecord } from './geo-record.js';
export { GeoIp, defaultDatabasePath } from './geoip.js';
export type { GeoIpOptions, GeoLocation, GeoReloadEvent } from './geoip.js';
export type { OverrideEntry } from './overrides.js';
export { countryInfo } from './country-table.js';
export { burtle } from './burtle.js';
export { closestSet, mathRandom } from './picks.js';
export type { Random } from './picks.js';
export { Evaluation, scopeOf } from './evaluation.js';
export type { LuaInputs, Choice, Reads } from './evaluation.js';
export { LuaVm } from './lua-vm.js';
export type { LuaVmOptions } from './lua-vm.js';
export type { LuaHost } from './lua-library.js';
export { evaluateLua } from './lua-evaluate.js';
export type { LuaOutcome } from './lua-evaluate.js';
export { GeoCache } from './geo-cache.js';
