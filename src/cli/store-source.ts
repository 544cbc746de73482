import type { Logger } from 'pino';
import { Catalog, storePollErrorChannel } from '../catalog/index.js';
import type { SigningOptions, StorePollErrorEvent } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import type { StoreLocation } from '../store/index.js';
import type { Engine } from '../engine/index.js';
import type { ZoneSet } from '../zone/index.js';

/**
 * Opens the store (`--data DIR` or `--db URL`), loads its zones into a Catalog and keeps `engine`
 * answering from them: every swap (local write or another node's, seen by polling) is handed to
 * `engine.setZones`. What `geodesic serve --data/--db` needs from the store.
 */
export interface AttachOptions {
  /** Poll interval for other nodes' writes (ms). */
  pollMs?: number;
  /** Combines the store's zones with others (zone files) into what the engine serves. */
  merge?: (storeZones: ZoneSet) => ZoneSet;
  /** After every swap (clear answer caches kept outside the engine, e.g. the UDP listeners'). */
  onSwap?: () => void;
  /** DNSSEC of the store's zones: secret, signature timing, rollovers (cli/dnssec-store-serve.ts). */
  dnssec?: SigningOptions;
}

export async function attachStore(engine: Engine, where: StoreLocation, log: Logger | null, opts: AttachOptions = {}): Promise<Catalog> {
  const store = await openStore(where);
  const merge = opts.merge ?? ((z: ZoneSet) => z);
  const catalog = await Catalog.open(store, {
    pollMs: opts.pollMs ?? 1000,
    dnssec: opts.dnssec,
    onChange: (zones, changes) => {
      engine.setZones(merge(zones));
      opts.onSwap?.();
      for (const c of changes) log?.info({ event: 'zone-changed', ...c }, `zone ${c.zone} ${c.serial === null ? 'removed' : `now serial ${c.serial}`} (${c.origin})`);
    },
  });
  engine.setZones(merge(catalog.zones));
  if (log !== null) {
    storePollErrorChannel.subscribe((m) => log.warn({ event: 'store-poll-failed' }, (m as StorePollErrorEvent).error.message));
    const s = catalog.status();
    log.info({ event: 'store-opened', ...s }, `store ${s.dialect} ${s.location}: ${s.zones} zone(s), schema ${s.schema}${s.readOnly ? ', READ-ONLY (this node never writes)' : ''}`);
  }
  return catalog;
}
