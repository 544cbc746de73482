import { unprocessable } from './errors.js';

/** PowerDNS's JSON accessors, with its messages (pdns/json.cc); every failure is a 422. */
export type Json = Record<string, unknown>;

export function asObject(v: unknown, what = 'the request body'): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw unprocessable(`${what} must be a JSON object`);
  return v as Json;
}

export function stringFrom(o: Json, key: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  throw unprocessable(`Key '${key}' not present or not a String`);
}

export function optString(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

/** An integer, also from a string ("3600"), as PowerDNS's intFromJson. */
export function intFrom(o: Json, key: string, fallback?: number): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+/.test(v)) {
    const n = parseInt(v, 10);
    if (Math.abs(n) > 0x7fffffff) throw unprocessable(`Value for key '${key}' is out of range`);
    return n;
  }
  if (fallback !== undefined) return fallback;
  throw unprocessable(`Key '${key}' not an Integer or not present`);
}

export function boolFrom(o: Json, key: string, fallback?: boolean): boolean {
  const v = o[key];
  if (typeof v === 'boolean') return v;
  if (fallback !== undefined && (v === undefined || v === null)) return fallback;
  if (fallback !== undefined) return fallback;
  throw unprocessable(`Key '${key}' not present or not a Bool`);
}
