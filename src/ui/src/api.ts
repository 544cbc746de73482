// The HTTP API client of the admin UI: the same endpoints a script uses (PowerDNS v1 + Geodesic's own).
// Session cookies authenticate; every write carries the CSRF token the session state handed out.

export const SERVER = '/api/v1/servers/localhost';
export const G = '/api/v1/geodesic';

let csrf = '';
export function setCsrf(token: string): void { csrf = token; }

/** Called when the API says the session has ended (401): the app goes back to the sign-in page. */
let unauthorized: () => void = () => undefined;
export function onUnauthorized(fn: () => void): void { unauthorized = fn; }

/** An API error: status, message, and the field it names when the API says which one. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) { super(message); }
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    const msg = typeof data === 'object' && data !== null && 'error' in data ? String((data as { error: unknown }).error)
      : typeof data === 'string' && data ? data : `${res.status} ${res.statusText}`;
    if (res.status === 401 && !path.includes('/auth/')) unauthorized();
    throw new ApiError(res.status, msg, data);
  }
  return data as T;
}

/** Like api(), but a 404/501 (feature not in this server yet) gives null instead of an error. */
export async function optional<T>(path: string): Promise<T | null> {
  try {
    return await api<T>('GET', path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) return null;
    throw e;
  }
}

export async function text(path: string): Promise<string | null> {
  const res = await fetch(path, { credentials: 'same-origin' });
  return res.ok ? res.text() : null;
}

export const enc = (zone: string): string => encodeURIComponent(zone);

// ---- shapes ----
export type Role = 'admin' | 'operator' | 'viewer';
export interface User { id: number; name: string; role: Role; zones: string[]; createdAt?: number }
export interface SessionState { user: User | null; csrf?: string; signupOpen: boolean; firstRun: boolean; error?: string }
export interface ZoneSummary { id: string; name: string; kind: string; serial: number; records: number; dnssec?: boolean; source?: 'file' | 'store' }
export interface RecordItem { content: string; disabled: boolean }
export interface Comment { content: string; account: string; modified_at: number }
export interface RRset { name: string; type: string; ttl: number; records: RecordItem[]; comments: Comment[] }
export interface RRsetPatch {
  name: string; type: string; changetype: 'REPLACE' | 'DELETE'; ttl?: number; records?: RecordItem[]; comments?: Comment[];
}
export interface RRsetStateJ { ttl: number; records: RecordItem[] }
export interface Change { name: string; type: string; before: RRsetStateJ | null; after: RRsetStateJ | null }
export interface HistoryEntry { id: number; serialFrom: number; serialTo: number; author: string; createdAt: number; changes: Change[] }
export interface ApiKeyInfo { id: number; name: string; createdAt: number; scopes?: unknown }
export interface Settings {
  allowSignup: boolean; recordTypes: string[]; luaRecords: boolean; defaultNameservers: string[]; defaultSoa: string;
}
