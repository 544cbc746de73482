import type { Scope } from './scope.js';

/** Checks one scope from JSON (API bodies, the store); throws a message naming the bad field. */
export function scopeFromJson(v: unknown, where = 'scope'): Scope {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: expected an object {zones?, names?, types?, readOnly}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['zones', 'names', 'types', 'readOnly'].includes(k)) throw new Error(`${where}.${k}: unknown field (known: zones, names, types, readOnly)`);
  }
  const list = (k: 'zones' | 'names' | 'types'): string[] | undefined => {
    const x = o[k];
    if (x === undefined || x === null) return undefined;
    if (!Array.isArray(x) || x.some((e) => typeof e !== 'string' || e === '')) throw new Error(`${where}.${k}: expected a list of names`);
    return (x as string[]).map((e) => (k === 'types' ? e.toUpperCase() : e.toLowerCase()));
  };
  if (o.readOnly !== undefined && typeof o.readOnly !== 'boolean') throw new Error(`${where}.readOnly: expected true or false`);
  const s: Scope = { readOnly: o.readOnly === true };
  const zones = list('zones');
  const names = list('names');
  const types = list('types');
  return { ...(zones ? { zones } : {}), ...(names ? { names } : {}), ...(types ? { types } : {}), ...s };
}

/** The stored JSON of a key's scopes; NULL or anything unreadable grants nothing. */
export function parseScopes(text: string | null): Scope[] {
  if (text === null) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.map((s, i) => scopeFromJson(s, `scopes[${i}]`)) : [];
  } catch {
    return [];
  }
}
