import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { apiKeyByHash, deleteApiKey, insertApiKey, listApiKeys, updateApiKey } from '../store/index.js';
import type { ApiKeyRow, Store } from '../store/index.js';
import { FULL_ACCESS } from './scope.js';
import type { Scope } from './scope.js';
import type { Principal } from './principal.js';
import { parseScopes } from './scope-json.js';

/** SHA-256 of a key, hex (keys are 32 random bytes: a fast hash is enough; the bootstrap key is never stored). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key: `gdns_` and 32 random bytes in base64url (43 characters). */
export function newKey(): string {
  return `gdns_${randomBytes(32).toString('base64url')}`;
}

/** An API key as listed (never the key itself). */
export interface ApiKeyInfo { id: number; name: string; userId: number | null; createdAt: number; scopes: Scope[]; hint: string }

function info(row: ApiKeyRow): ApiKeyInfo {
  return { id: row.id, name: row.name, userId: row.userId, createdAt: row.createdAt, scopes: parseScopes(row.scopes), hint: row.hint ?? '' };
}

/**
 * The keys X-API-Key is checked against: full-access bootstrap keys (`--api-key`, `--api-key-file`,
 * held in memory as hashes and compared in constant time) and the store's scoped keys (looked up by hash).
 */
export class ApiKeyRing {
  private readonly bootstrap: Buffer[];

  constructor(bootstrapKeys: readonly string[], private readonly store: Store | null) {
    this.bootstrap = bootstrapKeys.map((k) => Buffer.from(hashKey(k), 'hex'));
  }

  /** True when at least one key exists (without any, the API listens on loopback only). */
  async any(): Promise<boolean> {
    if (this.bootstrap.length > 0) return true;
    return this.store !== null && (await listApiKeys(this.store.q)).length > 0;
  }

  /** The principal of a key, or undefined when no key matches. */
  async authenticate(key: string): Promise<Principal | undefined> {
    if (key === '') return undefined;
    const digest = Buffer.from(hashKey(key), 'hex');
    let boot = false;
    for (const b of this.bootstrap) boot = timingSafeEqual(b, digest) || boot;
    if (boot) return { id: 'key:bootstrap', label: 'api-key', kind: 'key', role: 'admin', scopes: [FULL_ACCESS] };
    if (this.store === null) return undefined;
    const row = await apiKeyByHash(this.store.q, digest.toString('hex'));
    if (row === undefined || !timingSafeEqual(Buffer.from(row.keyHash, 'hex'), digest)) return undefined;
    return {
      id: `key:${row.id}`, label: row.name, kind: 'key', scopes: parseScopes(row.scopes),
      ...(row.userId !== null ? { userId: row.userId } : {}),
    };
  }

  /** Creates a key; the returned `key` is shown once and never stored. */
  async create(name: string, scopes: readonly Scope[], userId: number | null = null): Promise<{ key: string; info: ApiKeyInfo }> {
    const store = this.need();
    const key = newKey();
    const row = { name, keyHash: hashKey(key), userId, createdAt: Date.now(), scopes: JSON.stringify(scopes), hint: key.slice(0, 9) };
    const id = await store.write((q) => insertApiKey(q, row));
    return { key, info: info({ ...row, id }) };
  }

  async list(userId?: number): Promise<ApiKeyInfo[]> {
    if (this.store === null) return [];
    return (await listApiKeys(this.store.q, userId)).map(info);
  }

  async update(id: number, set: { name?: string; scopes?: readonly Scope[] }): Promise<void> {
    await this.need().write((q) => updateApiKey(q, id, {
      ...(set.name !== undefined ? { name: set.name } : {}),
      ...(set.scopes !== undefined ? { scopes: JSON.stringify(set.scopes) } : {}),
    }));
  }

  /** Revokes a key at once; false when there is no key with this id. */
  async revoke(id: number): Promise<boolean> {
    return this.need().write((q) => deleteApiKey(q, id));
  }

  private need(): Store {
    if (this.store === null) throw new Error('API keys need a zone store (--data DIR or --db URL)');
    return this.store;
  }
}
