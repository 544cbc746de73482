// Where `geodesic zone|record|key` commands read and write: a running server's HTTP API (when one is
// configured) or the zone store directly. Both speak the PowerDNS API's shapes.
import { Catalog } from '../catalog/index.js';
import type { RRsetEdit, ZoneSpec } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import { typeToText } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import { printZone } from '../zone/index.js';
import { ApiKeyRing } from '../api/index.js';
import type { Scope } from '../api/index.js';

/** One RRset as the PowerDNS API shows it. */
export interface RRsetView { name: string; type: string; ttl: number; records: Array<{ content: string; disabled: boolean }> }
export interface ZoneSummary { name: string; kind: string; serial: number }

export interface AdminBackend {
  /** Said by --help and by each command: "the API at URL" or "the store at LOCATION". */
  readonly where: string;
  listZones(): Promise<ZoneSummary[]>;
  /** The zone's RRsets (disabled records too), or null when there is no such zone. */
  rrsets(zone: string): Promise<RRsetView[] | null>;
  createZone(spec: ZoneSpec): Promise<void>;
  /** A new zone from parsed records (zone import): the store takes them in one bulk insert. */
  importZone(zone: string, records: Iterable<Rr>, asSpec: () => ZoneSpec): Promise<void>;
  deleteZone(zone: string): Promise<void>;
  patch(zone: string, edits: readonly RRsetEdit[]): Promise<void>;
  exportZone(zone: string): Promise<string>;
  apiKeys(): { create(name: string, scopes: Scope[]): Promise<{ key: string; id: number }>; list(): Promise<Array<{ id: number; name: string; scopes: Scope[]; hint: string }>>; revoke(id: number): Promise<boolean> };
  tsigKeys(): {
    create(name: string, algorithm: string, secret: string, scopes: Scope[] | null): Promise<void>;
    list(): Promise<Array<{ name: string; algorithm: string; scopes: Scope[] | null }>>;
    revoke(name: string): Promise<boolean>;
  };
  close(): Promise<void>;
}

const fq = (n: string): string => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/** The store backend (--data DIR / --db URL): a Catalog that does not poll. */
export async function storeBackend(where: { data?: string; db?: string }): Promise<AdminBackend> {
  const store = await openStore(where.db !== undefined ? { db: where.db } : { data: where.data! });
  const catalog = await Catalog.open(store, { pollMs: 0 });
  const keyRing = new ApiKeyRing([], store);
  return {
    where: `the store at ${store.status().location}`,
    async listZones() {
      return (await catalog.listZones()).map((z) => ({ name: z.name, kind: z.kind, serial: catalog.zone(z.name)?.serial ?? 0 }));
    },
    async rrsets(zone) {
      if (catalog.zone(fq(zone)) === undefined) return null;
      const stored = await catalog.stored(fq(zone));
      const sets = new Map<string, RRsetView>();
      for (const r of stored.records) {
        const id = `${r.name}|${r.type}`;
        const s = sets.get(id) ?? { name: r.name, type: typeToText(r.type), ttl: Number(r.ttl), records: [] };
        s.records.push({ content: r.content, disabled: Boolean(r.disabled) });
        sets.set(id, s);
      }
      return [...sets.values()];
    },
    async createZone(spec) { await catalog.createZone(spec, 'cli'); },
    async importZone(zone, records, asSpec) {
      void asSpec;
      await catalog.importZone({ name: fq(zone) }, records, 'cli');
    },
    async deleteZone(zone) { await catalog.deleteZone(fq(zone), 'cli'); },
    async patch(zone, edits) { await catalog.apply(fq(zone), { rrsets: edits }, 'cli'); },
    async exportZone(zone) {
      const z = catalog.zone(fq(zone));
      if (z === undefined) throw new Error(`no zone ${fq(zone)} in the store`);
      return printZone(z);
    },
    apiKeys: () => ({
      create: async (name, scopes) => { const r = await keyRing.create(name, scopes); return { key: r.key, id: r.info.id }; },
      list: async () => (await keyRing.list()).map((k) => ({ id: k.id, name: k.name, scopes: k.scopes, hint: k.hint })),
      revoke: (id) => keyRing.revoke(id),
    }),
    tsigKeys: () => ({
      create: (name, algorithm, secret, scopes) => store.write((q) => q.putTsigKey({ name: fq(name), algorithm, secret, scopes: scopes === null ? null : JSON.stringify(scopes) })),
      list: async () => (await store.q.tsigKeys()).map((k) => ({ name: k.name, algorithm: k.algorithm, scopes: k.scopes === null || k.scopes === undefined ? null : JSON.parse(k.scopes) as Scope[] })),
      revoke: async (name) => {
        const had = (await store.q.tsigKeys()).some((k) => k.name === fq(name));
        if (had) await store.write((q) => q.deleteTsigKey(fq(name)));
        return had;
      },
    }),
    close: () => catalog.close(),
  };
}

/** The API backend (--api URL with --api-key): the same PowerDNS API a script would use. */
export function apiBackend(url: string, key: string): AdminBackend {
  const base = `${url.replace(/\/+$/, '')}/api/v1/servers/localhost`;
  const call = async <T>(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method, headers: { 'X-API-Key': key, accept, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      throw new Error(`cannot reach the API at ${url}: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try { msg = (JSON.parse(text) as { error?: string }).error ?? text; } catch { /* plain text */ }
      throw Object.assign(new Error(`${method} ${path}: HTTP ${res.status}: ${msg}`), { status: res.status });
    }
    return (accept === 'application/json' && text !== '' ? JSON.parse(text) : text) as T;
  };
  const zonePath = (z: string): string => `/zones/${encodeURIComponent(fq(z))}`;
  return {
    where: `the API at ${url}`,
    async listZones() {
      return (await call<Array<{ name: string; kind: string; serial: number }>>('GET', '/zones')).map((z) => ({ name: z.name, kind: z.kind.toLowerCase(), serial: z.serial }));
    },
    async rrsets(zone) {
      try {
        return (await call<{ rrsets: RRsetView[] }>('GET', `${zonePath(zone)}?include_disabled=true`)).rrsets;
      } catch (err) {
        if ((err as { status?: number }).status === 404 || (err as { status?: number }).status === 422) return null;
        throw err;
      }
    },
    async createZone(spec) {
      const sets = new Map<string, RRsetView>();
      for (const r of spec.records ?? []) {
        const id = `${r.name}|${String(r.type)}`;
        const s = sets.get(id) ?? { name: r.name, type: String(r.type), ttl: r.ttl ?? 3600, records: [] };
        s.records.push({ content: r.content, disabled: r.disabled ?? false });
        sets.set(id, s);
      }
      await call('POST', '/zones', { name: fq(spec.name), kind: spec.kind === 'primary' ? 'Master' : 'Native', rrsets: [...sets.values()], nameservers: [] });
    },
    async importZone(_zone, _records, asSpec) { await this.createZone(asSpec()); },
    async deleteZone(zone) { await call('DELETE', zonePath(zone)); },
    async patch(zone, edits) { await call('PATCH', zonePath(zone), { rrsets: edits }); },
    exportZone: (zone) => call<string>('GET', `${zonePath(zone)}/export`, undefined, 'text/plain'),
    apiKeys: () => ({
      create: async (name, scopes) => {
        const r = await call<{ key: string; id: number }>('POST', '/apikeys', { name, scopes });
        return { key: r.key, id: r.id };
      },
      list: () => call('GET', '/apikeys'),
      revoke: async (id) => { await call('DELETE', `/apikeys/${id}`); return true; },
    }),
    tsigKeys: () => ({
      create: async (name, algorithm, secret) => { await call('POST', '/tsigkeys', { name, algorithm, key: secret }); },
      list: async () => (await call<Array<{ name: string; algorithm: string }>>('GET', '/tsigkeys')).map((k) => ({ ...k, scopes: null })),
      revoke: async (name) => { await call('DELETE', `/tsigkeys/${encodeURIComponent(fq(name))}`); return true; },
    }),
    close: () => Promise.resolve(),
  };
}
