import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Catalog } from '../catalog/index.js';
import type { ZoneSet } from '../zone/index.js';
import type { Access } from './scope.js';
import type { Authenticator, Principal } from './principal.js';
import type { ApiKeyRing } from './keys.js';
import type { HealthPlane } from '../health/index.js';

/**
 * Services other modules lend the API (implemented in cli, since api may not import xfr or engine).
 * Each helper adds its optional field here (one line) and documents it in /work/coord/api-contract.md.
 */
export interface ApiServices {
  /** Replication (xfr): PowerDNS's PUT /zones/{z}/notify and /axfr-retrieve. Resolve with the `result` text. */
  transfer?: TransferService;
  /** Answer caches: PUT /cache/flush?domain=NAME; returns how many entries were dropped. */
  flushCache?: (domain: string) => number;
  /** Prometheus text for GET /metrics (readable from allow-from networks without a key). */
  metrics?: () => Promise<{ contentType: string; text: string }>;
  /** Counters for GET /statistics, PowerDNS StatisticItem shape. */
  statistics?: () => Promise<readonly { name: string; type: 'StatisticItem'; value: string }[]>;
  /** Settings for GET /config, PowerDNS ConfigSetting shape (name/value; type added by the route). */
  config?: () => readonly { name: string; value: string }[];
  /** The health plane (src/api/routes/health.ts): states, overrides, heartbeats. */
  health?: HealthPlane;
  /** What vantage points around the world get for NAME/TYPE (admin UI map): DNS queries with their networks as ECS. */
  geoWhatif?: (name: string, type: string) => Promise<readonly { vantage: string; network: string; answers: string[]; error?: string }[]>;
  /** Replication state for the admin UI: secondary zones here (serials, lag) and who transferred our zones. */
  replication?: () => { secondaries: readonly object[]; downstream: readonly object[] };
}

export interface TransferService {
  /** Queue NOTIFY to the zone's secondaries (PowerDNS: "Notification queued"). */
  notify(zone: string): Promise<string>;
  /** Start a transfer from the primaries of a secondary zone (PowerDNS: "Added retrieval request for ..."). */
  retrieve(zone: string): Promise<string>;
  /** A new secondary (or consumer) zone: stored when its first transfer completes. */
  addSecondary(spec: { zone: string; primaries: string[]; kind?: 'secondary' | 'consumer'; account?: string }): Promise<void>;
  /** Stops transferring a secondary zone and deletes its stored copy. */
  removeSecondary(zone: string): Promise<void>;
  isSecondary(zone: string): boolean;
  /** Secondary zones replication knows, transferred or not yet (a new one is not in the store until then). */
  secondaries?(): { zone: string; kind: 'secondary' | 'consumer'; primaries: string[] }[];
  /** The store's TSIG keys changed (POST/PUT/DELETE /tsigkeys): use them from now on. */
  keysChanged?(): Promise<void> | void;
}

export interface ApiDeps {
  /** The store's zones (null: serving zone files only; writes get 422). */
  catalog: Catalog | null;
  /** Zones served from files (read-only through the API). */
  fileZones: () => ZoneSet;
  /** Keys checked against X-API-Key (the --api-key key and the store's keys). */
  keys: ApiKeyRing;
  /** Networks allowed to connect at all (PowerDNS webserver-allow-from). Default loopback + RFC 1918 + ULA. */
  allowFrom?: readonly string[];
  services?: ApiServices;
  /** Plugins registered after the built-in routes (runtime additions; src/api/routes/index.ts lists the built-in ones). */
  plugins?: readonly ApiPlugin[];
  /** TLS (cert and key in PEM); reloading is the listener's business (setSecureContext). */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Fastify logger (pino instance) or false. */
  logger?: unknown;
  /** Server id in URLs (PowerDNS: localhost). */
  serverId?: string;
  version?: string;
}

/** What every route plugin gets. */
export interface ApiContext {
  readonly deps: ApiDeps;
  readonly serverId: string;
  /** The store's catalog; 422 "zone store not configured" without one. */
  catalog(): Catalog;
  /**
   * The request's principal (authenticated in onRequest; undefined only on public routes), checked
   * against `access`: throws ApiError 401 without a principal, 403 when no scope allows.
   */
  authorize(req: FastifyRequest, access: Access): Principal;
  /** Whether the request's principal may (without throwing): for filtering lists. */
  may(req: FastifyRequest, access: Access): boolean;
  /** Adds a way to authenticate requests (session cookies...). Call during plugin registration. */
  addAuthenticator(fn: Authenticator): void;
  /** Resolves once every write so far is in DNS answers (call before answering a write). */
  settled(): Promise<void>;
  /** Where a zone is served from: its file (read-only), the store, or nowhere. */
  zoneSource(name: string): 'file' | 'store' | undefined;
}

/**
 * A route plugin: registers routes on `app` (already under no prefix: use full paths such as
 * `/api/v1/servers/:server_id/zones/:zone_id/cryptokeys`). Routes are authenticated unless they set
 * `config: { public: true }` (allow-from still applies). Errors: throw ApiError (or any AppError).
 */
export type ApiPlugin = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API's onRequest hook when the request authenticated. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** No key needed (allow-from still applies): /api/docs, /metrics, the UI's static files, heartbeats. */
    public?: boolean;
  }
}
