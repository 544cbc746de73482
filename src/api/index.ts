// Public entry of src/api: the PowerDNS-compatible HTTP API (Fastify), keys with scopes, allow-from.
export { createApi, BODY_LIMIT } from './server.js';
export type { ApiContext, ApiDeps, ApiPlugin, ApiServices, TransferService } from './context.js';
export type { Principal, Authenticator } from './principal.js';
export { scopeAllows, scopesAllow, scopeWritesIn, nameMatches, FULL_ACCESS } from './scope.js';
export type { Scope, Access } from './scope.js';
export { scopeFromJson, parseScopes } from './scope-json.js';
export { ApiKeyRing, hashKey, newKey } from './keys.js';
export type { ApiKeyInfo } from './keys.js';
export { AllowFrom, DEFAULT_ALLOW_FROM } from './allow-from.js';
export { ApiError, STATUS_TEXT, toApiError } from './errors.js';
