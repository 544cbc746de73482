/** Geodesic's configuration: one YAML file (docs/configuration.md is the reference for every key). */
export interface ServerConfig {
  /** Addresses to answer DNS on, UDP and TCP: `127.0.0.1:5300`, `[::1]:5300`. */
  listen: ListenAddress[];
  zones: {
    /** Every `NAME.zone` file in this folder is zone NAME. */
    directory: string | null;
    /** Zones named one by one: `{ name, file }`. */
    files: Array<{ name: string; file: string }>;
  };
  transfer: {
    /** Clients (addresses or networks) allowed AXFR/IXFR. Default: none. */
    allow: string[];
    /** A TSIG key name transfers must be signed with (from `keys`); null: no TSIG required. */
    tsigKey: string | null;
  };
  keys: TsigKeyConfig[];
  rrl: {
    enabled: boolean;
    rate: number;
    slip: number;
    ipv4Prefix: number;
    ipv6Prefix: number;
    exempt: string[];
  };
  tcp: {
    idleTimeoutMs: number;
    maxConnections: number;
    maxConnectionsPerClient: number;
  };
  udp: {
    /** Largest UDP answer, whatever a client offers. */
    maxSize: number;
    /** `auto` uses the native batched path where it was built; `dgram` forces node:dgram. */
    io: 'auto' | 'native' | 'dgram';
  };
  geo: GeoConfig;
  alias: AliasConfig;
  store: {
    /** SQLite: the folder holding geodesic.db (created on first start); null with `db` or no store. */
    data: string | null;
    /** PostgreSQL or MariaDB: postgres://... or mysql://...; null for none. */
    db: string | null;
  };
  dnssec: {
    /** Folder of per-zone key files (`geodesic dnssec enable ZONE --keys DIR`); null: no signing. */
    keys: string | null;
    /** File holding the secret that encrypts private keys in the store (AES-256-GCM); null: stored as PEM
     * (or GEODESIC_DNSSEC_SECRET). */
    secretFile: string | null;
    /** Signature validity (default 14 days); signatures are made again with a quarter left (`refresh`). */
    validityMs: number;
    refreshMs: number | null;
    /** Automatic rollovers: ZSK and KSK/CSK lifetimes (0: only by hand), propagation delay to secondaries. */
    zskLifetimeMs: number;
    kskLifetimeMs: number;
    propagationDelayMs: number;
    /** CDS/CDNSKEY: during KSK/CSK rollovers only, or always (RFC 8078 bootstrap for CDS-scanning parents). */
    cds: 'rollover' | 'always';
  };
  /** Where the running server writes its process ID (for `geodesic reload`). */
  pidFile: string | null;
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' };
}

/** GeoIP and LUA records (docs/geo.md). */
export interface GeoConfig {
  /** MMDB files in order (PowerDNS geoip-database-files); empty: the bundled CC0 country database. */
  databases: string[];
  /** How often the files are checked for replacement (geoipupdate); 0 turns the check off. */
  reloadIntervalMs: number;
  /** Corrections: networks whose country or position is set here. */
  overrides: GeoOverrideConfig[];
  /** Evaluate PowerDNS LUA records (enable-lua-records). Off by default. */
  luaRecords: boolean;
  /** Lua instructions one evaluation may run (lua-records-exec-limit). */
  luaExecLimit: number;
  /** Geo answers kept in memory. */
  cacheSize: number;
}

/** ALIAS records answered with their target's addresses (docs/alias.md). Off unless turned on, as in
 * PowerDNS (expand-alias). */
export interface AliasConfig {
  enabled: boolean;
  /** Recursive resolvers (ADDR[:PORT]); empty: the system's, from /etc/resolv.conf. */
  resolvers: string[];
  /** A target that fails: SERVFAIL once its TTL ends, or its last good answer for up to maxStaleMs. */
  failure: 'servfail' | 'stale';
  maxStaleMs: number;
  /** Time one resolver gets for one lookup. */
  timeoutMs: number;
  /** AXFR carries ALIAS records as they are (Geodesic, PowerDNS secondaries) or their resolved addresses. */
  axfr: 'alias' | 'addresses';
}

export interface GeoOverrideConfig {
  network: string;
  country?: string;
  continent?: string;
  region?: string;
  city?: string;
  lat?: number;
  lon?: number;
  asn?: number;
}

export interface ListenAddress {
  host: string;
  port: number;
}

export interface TsigKeyConfig {
  name: string;
  algorithm: 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';
  /** Base64 secret. */
  secret: string;
}

export const DEFAULT_LISTEN: ListenAddress[] = [{ host: '127.0.0.1', port: 5300 }, { host: '::1', port: 5300 }];

export function defaultConfig(): ServerConfig {
  return {
    listen: DEFAULT_LISTEN.map((l) => ({ ...l })),
    zones: { directory: null, files: [] },
    transfer: { allow: [], tsigKey: null },
    keys: [],
    rrl: { enabled: true, rate: 200, slip: 2, ipv4Prefix: 24, ipv6Prefix: 56, exempt: ['127.0.0.0/8', '::1/128'] },
    tcp: { idleTimeoutMs: 10_000, maxConnections: 1_000, maxConnectionsPerClient: 32 },
    udp: { maxSize: 1232, io: 'auto' },
    alias: { enabled: false, resolvers: [], failure: 'servfail', maxStaleMs: 3_600_000, timeoutMs: 1500, axfr: 'alias' },
    store: { data: null, db: null },
    dnssec: { keys: null, secretFile: null, validityMs: 14 * 86_400_000, refreshMs: null, zskLifetimeMs: 0, kskLifetimeMs: 0, propagationDelayMs: 3_600_000, cds: 'rollover' },
    geo: { databases: [], reloadIntervalMs: 10_000, overrides: [], luaRecords: false, luaExecLimit: 1000, cacheSize: 100_000 },
    pidFile: null,
    log: { level: 'info' },
  };
}
