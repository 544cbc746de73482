import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { onlineSignatureCount } from '../dnssec/index.js';
import type { ZoneSet } from '../zone/index.js';
import { Resolver } from 'node:dns/promises';
import { RRType, nameFromText, nameLabelCount, nameParent, nameToText } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { Catalog, DsLookup, SigningOptions } from '../catalog/index.js';
import type { ServerConfig } from '../config/index.js';
import { askServer } from './check-delegation-client.js';
import type { ServerAddress } from './check-delegation-client.js';

/** The store's DNSSEC secret: `dnssec.secret-file` (or --dnssec-secret-file), else GEODESIC_DNSSEC_SECRET. */
export function dnssecSecret(config: ServerConfig['dnssec']): string | null {
  if (config.secretFile !== null) {
    const text = readFileSync(config.secretFile, 'utf8').trim();
    if (text.length < 16) throw new Error(`${config.secretFile}: the DNSSEC secret must have at least 16 characters`);
    return text;
  }
  const env = process.env.GEODESIC_DNSSEC_SECRET;
  return env !== undefined && env !== '' ? env : null;
}

/** Addresses of every name server of the zone above `zone` (system resolver, walking up to a cut). */
async function parentServers(zone: Name): Promise<ServerAddress[]> {
  const r = new Resolver({ timeout: 3000, tries: 2 });
  for (let p = nameParent(zone); ; p = nameParent(p)) {
    const text = nameToText(p);
    const ns = await r.resolveNs(text === '.' ? '' : text.replace(/\.$/, '')).catch(() => [] as string[]);
    if (ns.length > 0) {
      const out: ServerAddress[] = [];
      for (const host of ns) {
        const a = [...await r.resolve4(host).catch(() => [] as string[]), ...await r.resolve6(host).catch(() => [] as string[])];
        out.push(...a.map((host) => ({ host, port: 53 })));
      }
      return out;
    }
    if (nameLabelCount(p) === 0) return [];
  }
}

/**
 * The parent's DS for a zone as EVERY server of the parent publishes it (a rollover may go on only once
 * all of them do, as Knot checks): the DS records all answers share, the largest TTL. Null when a server
 * does not answer or none is found. A parent served by the same catalog is read directly instead.
 */
export function parentDsLookup(catalog: () => Catalog | null, servers = parentServers): DsLookup {
  return async (zone) => {
    const owner = nameFromText(zone);
    const c = catalog();
    for (let p = nameParent(owner); c !== null; p = nameParent(p)) {
      const local = c.zone(nameToText(p).toLowerCase());
      if (local !== undefined) {
        const ds = local.lookup(owner).node?.get(RRType.DS);
        return { ds: ds?.rdata ?? [], ttl: ds?.ttl ?? 0 };
      }
      if (p.length <= 1) break;
    }
    const list = await servers(owner);
    if (list.length === 0) return null;
    let common: Uint8Array[] | null = null;
    let ttl = 0;
    for (const server of list) {
      const m = await askServer(server, owner, RRType.DS).catch(() => null);
      if (m === null) return null;
      const rrs = m.answers.filter((r) => r.type === RRType.DS);
      for (const r of rrs) ttl = Math.max(ttl, r.ttl);
      const mine = rrs.map((r) => r.rdata);
      common = common === null ? mine : common.filter((a) => mine.some((b) => sameBytes(a, b)));
    }
    return { ds: common ?? [], ttl };
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Catalog DNSSEC options from the config (signature timing, secret, rollover policy). */
export function signingOptions(config: ServerConfig['dnssec'], catalog: () => Catalog | null): SigningOptions {
  const validity = Math.round(config.validityMs / 1000);
  return {
    secret: dnssecSecret(config),
    validity,
    refresh: config.refreshMs === null ? undefined : Math.round(config.refreshMs / 1000),
    cds: config.cds,
    rollover: {
      zskLifetime: Math.round(config.zskLifetimeMs / 1000),
      kskLifetime: Math.round(config.kskLifetimeMs / 1000),
      propagationDelay: Math.round(config.propagationDelayMs / 1000),
      dsLookup: parentDsLookup(catalog),
    },
  };
}

/**
 * Runs the store's DNSSEC upkeep every `everyMs` (default 10 minutes): signature refresh and rollover
 * steps (catalog.dnssec.maintain). Returns a stop function.
 */
export function startDnssecUpkeep(catalog: Catalog, log: Logger, everyMs = 600_000): () => void {
  let running = false;
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      for (const line of await catalog.dnssec.maintain()) log.info({ event: 'dnssec' }, line);
    } catch (err) {
      log.error({ event: 'dnssec-upkeep-failed', err }, `DNSSEC upkeep failed: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => { void run(); }, everyMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}

/** DNSSEC series for /metrics: signed zones served, signatures made at query time, zone signings. */
export function registerDnssecMetrics(r: Registry, zones: () => ZoneSet, catalog: () => Catalog | null): void {
  new Gauge({
    name: 'geodesic_dnssec_signed_zones', help: 'Zones served with a DNSKEY RRset (signed here or pre-signed)', registers: [r],
    collect() { let n = 0; for (const z of zones()) if (z.apex.get(RRType.DNSKEY) !== undefined) n++; this.set(n); },
  });
  new Counter({
    name: 'geodesic_dnssec_online_signatures_total', help: 'RRSIGs made at query time for geo (LUA) and ALIAS answers', registers: [r],
    collect() { this.reset(); this.inc(onlineSignatureCount()); },
  });
  new Counter({
    name: 'geodesic_dnssec_zone_signings_total', help: 'Store zone versions signed (result ok|failed)', labelNames: ['result'] as const, registers: [r],
    collect() { this.reset(); const t = catalog()?.signing.totals; if (t) { this.inc({ result: 'ok' }, t.signings); this.inc({ result: 'failed' }, t.failures); } },
  });
  new Counter({
    name: 'geodesic_dnssec_zone_signing_seconds_total', help: 'Time spent signing store zone versions', registers: [r],
    collect() { this.reset(); this.inc(catalog()?.signing.totals.seconds ?? 0); },
  });
}
