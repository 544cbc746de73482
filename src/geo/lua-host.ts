import type { TargetSpec } from '../health/index.js';

/** What a LUA health function asks about one address (PowerDNS CheckDesc: port or URL, options). */
export interface LuaCheck {
  port?: number;
  url?: string;
  /** The options table as text (numbers as Lua prints integers), as PowerDNS's opts_t. */
  options: Map<string, string>;
  /** `headers = { X_Key = '...' }` (underscores become dashes when sent). */
  headers?: Record<string, string>;
}

/** What LUA records may ask of the server around them (zone data from memory, health, logs). */
export interface LuaHost {
  /** Code of the LUA records at an absolute name (include()). */
  luaCodeAt(name: string): string[];
  /** Records of a name and type as presentation text (dblookup, from memory). */
  lookup(name: string, qtype: number): string[];
  /**
   * Health of a target (ifportup, ifurlup, ifurlextup, pickselfweighted): > 0 up (its weight), 0 down,
   * < 0 not checked yet. `answer` is the address handed out (ifurlextup checks a URL for it; drains
   * and force-ups of that address apply). Default: all up.
   */
  isUp?(address: string, check: LuaCheck, answer: string): number;
  /** Health of a declarative record's endpoint (null spec: not checked; overrides on names apply). */
  health?(spec: TargetSpec | null, names: string[]): number;
  log(message: string, level: string): void;
}
