import type { Logger } from 'pino';
import { Catalog, storePollErrorChannel } from '../catalog/index.js';
import type { StorePollErrorEvent } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import type { StoreLocation } from '../store/index.js';
import type { Engine } from '../engine/index.js';

/**
 * Opens the store (`--data DIR` or `--db URL`), loads its zones into a Catalog and keeps `engine`
 * answering from them: every swap (local write or another node's, seen by polling) is handed to
 * `engine.setZones`. What `geodesic serve --data/--db` needs from the store.
 */
export async function attachStore(engine: Engine, where: StoreLocation, log: Logger | null, pollMs = 1000): Promise<Catalog> {
  const store = await openStore(where);
  const catalog = await Catalog.open(store, {
    pollMs,
    onChange: (zones, changes) => {
      engine.setZones(zones);
      for (const c of changes) log?.info({ event: 'zone-changed', ...c }, `zone ${c.zone} ${c.serial === null ? 'removed' : `now serial ${c.serial}`} (${c.origin})`);
    },
  });
  engine.setZones(catalog.zones);
  if (log !== null) {
    storePollErrorChannel.subscribe((m) => log.warn({ event: 'store-poll-failed' }, (m as StorePollErrorEvent).error.message));
    const s = catalog.status();
    log.info({ event: 'store-opened', ...s }, `store ${s.dialect} ${s.location}: ${s.zones} zone(s), schema ${s.schema}${s.readOnly ? ', READ-ONLY (this node never writes)' : ''}`);
  }
  return catalog;
}
