import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { RRType, nameFromText, nameParent, nameToText } from '../wire/index.js';
import type { Catalog, DsLookup, SigningOptions } from '../catalog/index.js';
import type { ServerConfig } from '../config/index.js';
import { askServer } from './check-delegation-client.js';
import { findParentServer } from './check-delegation-command.js';

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

/**
 * The parent's DS for a zone, asked of one of the parent's servers (found through the system resolver);
 * null when no server answers. A parent served by the same catalog is read directly instead.
 */
export function parentDsLookup(catalog: () => Catalog | null): DsLookup {
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
    const server = await findParentServer(owner);
    const m = await askServer(server, owner, RRType.DS);
    const rrs = m.answers.filter((r) => r.type === RRType.DS);
    return { ds: rrs.map((r) => r.rdata), ttl: rrs[0]?.ttl ?? 0 };
  };
}

/** Catalog DNSSEC options from the config (signature timing, secret, rollover policy). */
export function signingOptions(config: ServerConfig['dnssec'], catalog: () => Catalog | null): SigningOptions {
  const validity = Math.round(config.validityMs / 1000);
  return {
    secret: dnssecSecret(config),
    validity,
    refresh: config.refreshMs === null ? undefined : Math.round(config.refreshMs / 1000),
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
