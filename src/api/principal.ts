import type { FastifyRequest } from 'fastify';
import type { Scope } from './scope.js';

/** Who is asking: an API key, a UI session, a TSIG key (DNS UPDATE). */
export interface Principal {
  /** Stable id: `key:<id>`, `key:bootstrap`, `session:<user id>`, `tsig:<name>`. */
  id: string;
  /** For people and for the journal's author column: the key's or the user's name. */
  label: string;
  kind: 'key' | 'session' | 'tsig';
  /** The user's role, when the principal is a user (session) or a user's key. */
  role?: 'admin' | 'operator' | 'viewer';
  /** The user's id (sessions and user-owned keys). */
  userId?: number;
  /** What it may do: allowed when any scope allows (scopeAllows). */
  scopes: readonly Scope[];
}

/**
 * Finds the principal of a request from something other than X-API-Key (a session cookie, a trusted
 * proxy's header). Returns undefined when the request carries nothing it knows; throws an ApiError (401)
 * when it carries something bad (an expired session). X-API-Key is checked first, by the API itself.
 */
export type Authenticator = (req: FastifyRequest) => Principal | undefined | Promise<Principal | undefined>;
