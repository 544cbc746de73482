// Test support (not shipped): an API over a scratch store, and a small request helper.
import type { FastifyInstance } from 'fastify';
import { createScratchStore, openStore } from '../store/index.js';
import type { ScratchDialect, ScratchStore } from '../store/index.js';
import { Catalog } from '../catalog/index.js';
import { ZoneSet } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import { createApi } from './server.js';
import { ApiKeyRing } from './keys.js';
import type { ApiDeps } from './context.js';

export const KEY = 'test-bootstrap-key';

export interface Kit {
  app: FastifyInstance;
  catalog: Catalog;
  keys: ApiKeyRing;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
  req(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startKit(dialect: ScratchDialect = 'sqlite', opts: { fileZones?: Zone[]; deps?: Partial<ApiDeps> } = {}): Promise<Kit> {
  const scratch: ScratchStore = await createScratchStore(dialect);
  const store = await openStore(scratch.where);
  const catalog = await Catalog.open(store, { pollMs: 0 });
  const keys = new ApiKeyRing([KEY], store);
  const files = new ZoneSet(opts.fileZones ?? []);
  const app = await createApi({ catalog, fileZones: () => files, keys, ...opts.deps });
  return {
    app, catalog, keys,
    async req(method, url, body, headers = {}) {
      const r = await app.inject({
        method: method as 'GET', url, remoteAddress: '127.0.0.1',
        headers: { 'x-api-key': KEY, accept: 'application/json', ...headers },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      let json: unknown;
      try { json = r.body === '' ? undefined : JSON.parse(r.body); } catch { json = undefined; }
      return { status: r.statusCode, json, text: r.body, headers: r.headers };
    },
    async close() {
      await app.close();
      await catalog.close();
      await scratch.drop();
    },
  };
}

export const Z = '/api/v1/servers/localhost/zones';
