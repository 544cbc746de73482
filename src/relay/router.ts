/**
 * SNI routing table of one listener. Names are case-insensitive, a trailing dot is ignored;
 * `*.example.com` matches names below example.com (one or more labels) but not example.com; exact
 * beats wildcard, a longer wildcard beats a shorter one; within one name, routes with an ALPN
 * condition are tried before the unconditional one. No match → the default pool (or none).
 */
import type { RouteOptions } from './options.js';

export interface RouteMatch {
  readonly pool: string;
  /** The pattern that matched: the exact name, `*.suffix`, or `default`. */
  readonly rule: string;
}

interface Entry {
  readonly alpn: readonly string[] | undefined;
  readonly pool: string;
  readonly rule: string;
}

export class Router {
  private readonly exact = new Map<string, Entry[]>();
  private readonly wildcard = new Map<string, Entry[]>();
  /** Routes without names (an ALPN condition alone), tried after the named ones. */
  private readonly any: Entry[] = [];
  private readonly fallback: RouteMatch | undefined;

  constructor(routes: readonly RouteOptions[], defaultPool: string | undefined) {
    for (const r of routes) {
      if (r.sni.length === 0) this.any.push({ alpn: r.alpn, pool: r.pool, rule: `alpn:${(r.alpn ?? []).join(',')}` });
      for (const raw of r.sni) {
        const name = normalizeName(raw);
        const wild = name.startsWith('*.');
        const map = wild ? this.wildcard : this.exact;
        const key = wild ? name.slice(2) : name;
        const list = map.get(key) ?? [];
        list.push({ alpn: r.alpn, pool: r.pool, rule: name });
        // ALPN-conditioned entries first, keeping config order otherwise.
        list.sort((a, b) => (a.alpn ? 0 : 1) - (b.alpn ? 0 : 1));
        map.set(key, list);
      }
    }
    this.fallback = defaultPool === undefined ? undefined : { pool: defaultPool, rule: 'default' };
  }

  /** Routes a hello's SNI/ALPN; `sni` undefined (no SNI, not TLS) goes to the default. */
  route(sni: string | undefined, alpn: readonly string[]): RouteMatch | undefined {
    if (sni !== undefined) {
      const hit = pick(this.exact.get(sni), alpn);
      if (hit) return hit;
      let dot = sni.indexOf('.');
      while (dot >= 0 && this.wildcard.size > 0) {
        const w = pick(this.wildcard.get(sni.slice(dot + 1)), alpn);
        if (w) return w;
        dot = sni.indexOf('.', dot + 1);
      }
    }
    return pick(this.any, alpn) ?? this.fallback;
  }

  /** True when every connection goes to the default (no SNI rules): peeking can be skipped. */
  get onlyDefault(): boolean {
    return this.exact.size === 0 && this.wildcard.size === 0 && this.any.length === 0;
  }
}

function pick(list: readonly Entry[] | undefined, alpn: readonly string[]): RouteMatch | undefined {
  if (!list) return undefined;
  for (const e of list) {
    if (!e.alpn || e.alpn.some((p) => alpn.includes(p))) return { pool: e.pool, rule: e.rule };
  }
  return undefined;
}

/** Lowercases and drops one trailing dot. */
export function normalizeName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}
