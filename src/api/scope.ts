/**
 * What a key (or a session, or a TSIG key) may do. A principal holds one or more scopes; an access is
 * allowed when any of them allows it. An empty scope (no zones, names or types) covers everything.
 */
export interface Scope {
  /** Zones this scope covers (absolute names; `*.example.org.` covers the zones below example.org.). Absent: all. */
  zones?: readonly string[];
  /**
   * Owner names (absolute; a `*` label stands for one or more labels: `_acme-challenge.*` covers
   * `_acme-challenge.www.example.org.`). Absent: all names. A scope with names cannot change zone-wide
   * things (metadata, keys, delete the zone); it may still read them.
   */
  names?: readonly string[];
  /** Record types (upper case). Absent: all. Like names, a scope with types cannot change zone-wide things. */
  types?: readonly string[];
  /** Read only (GET) or read and write. */
  readOnly: boolean;
}

/**
 * One thing a request wants to do. `zone` absent: a server-wide thing; reading those (server info,
 * statistics) is open to every scope, changing them (TSIG keys, cache flush, a zone not yet in any
 * scope's list) needs an unrestricted one. Routes that reveal secrets ask for `write: true`.
 */
export interface Access {
  zone?: string;
  name?: string;
  type?: string;
  write: boolean;
}

/** The full-access scope (the `--api-key` key, admins). */
export const FULL_ACCESS: Scope = Object.freeze({ readOnly: false });

const canon = (n: string): string => {
  const l = n.toLowerCase();
  return l.endsWith('.') ? l : `${l}.`;
};

/** True when `name` matches `pattern` label by label; a `*` label matches one or more labels. */
export function nameMatches(pattern: string, name: string): boolean {
  const p = canon(pattern).split('.').slice(0, -1);
  const n = canon(name).split('.').slice(0, -1);
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === n.length;
    if (p[i] === '*') {
      for (let k = j + 1; k <= n.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    return j < n.length && p[i] === n[j] && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/**
 * Whether one scope allows one access (pure; the API's key checks and DNS UPDATE's TSIG checks both use
 * it). Server-wide writes need an unrestricted scope; zone-wide writes need a scope without names or types.
 */
export function scopeAllows(scope: Scope, access: Access): boolean {
  if (access.write && scope.readOnly) return false;
  const restricted = scope.zones !== undefined || scope.names !== undefined || scope.types !== undefined;
  if (access.zone === undefined) return !access.write || !restricted;
  if (scope.zones !== undefined && !scope.zones.some((z) => nameMatches(z, access.zone!))) return false;
  if (scope.names !== undefined) {
    if (access.name === undefined) { if (access.write) return false; } else if (!scope.names.some((p) => nameMatches(p, access.name!))) return false;
  }
  if (scope.types !== undefined) {
    if (access.type === undefined) { if (access.write) return false; } else if (!scope.types.includes(access.type.toUpperCase())) return false;
  }
  return true;
}

/**
 * Whether a scope may write anything at all in `zone` (some name, some type): enough to ask for a NOTIFY,
 * which changes nothing (lego notifies after each TXT it writes with a key scoped to `_acme-challenge`).
 */
export function scopeWritesIn(scope: Scope, zone: string): boolean {
  return !scope.readOnly && (scope.zones === undefined || scope.zones.some((z) => nameMatches(z, zone)));
}

/** Whether any of `scopes` allows `access`. */
export function scopesAllow(scopes: readonly Scope[], access: Access): boolean {
  return scopes.some((s) => scopeAllows(s, access));
}
