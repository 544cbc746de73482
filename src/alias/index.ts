// Public entry of src/alias: ALIAS targets outside the zones served here, resolved ahead of their TTL.
export { AliasError } from './errors.js';
export type { AliasErrorCode } from './errors.js';
export { stubLookup, parseResolver, systemResolvers, formatResolver } from './resolver-client.js';
export type { Lookup, LookupResult, ResolverAddress, StubOptions } from './resolver-client.js';
export { AliasTargets } from './targets.js';
export type { AddressAnswer, AliasEvent, AliasTargetsOptions, TargetStatus } from './targets.js';
export { aliasTargetsOf, externalTargets, isHosted } from './scan.js';
