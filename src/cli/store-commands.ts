import { nameFromText, nameToText } from '../wire/index.js';
import { loadZoneFile } from '../zone/index.js';
import { Catalog } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import type { StoreLocation } from '../store/index.js';

/** `geodesic store status`. */
export async function storeStatusCommand(where: StoreLocation): Promise<number> {
  const catalog = await Catalog.open(await openStore(where), { pollMs: 0 });
  try {
    process.stdout.write(`${JSON.stringify(catalog.status(), null, 2)}\n`);
    return 0;
  } finally {
    await catalog.close();
  }
}

/** `geodesic store import FILE`: loads and checks the zone file, then creates the zone in one transaction. */
export async function storeImportCommand(file: string, where: StoreLocation, flags: { origin?: string; serialPolicy: string }): Promise<number> {
  const t0 = performance.now();
  const zone = loadZoneFile(file, flags.origin !== undefined ? { origin: nameFromText(flags.origin.endsWith('.') ? flags.origin : `${flags.origin}.`) } : {});
  const catalog = await Catalog.open(await openStore(where), { pollMs: 0 });
  try {
    const rrs = (function* () {
      for (const s of zone.records()) for (const rdata of s.rdata) yield { name: s.name, type: s.type, class: 1, ttl: s.ttl, rdata };
    })();
    const r = await catalog.importZone({ name: nameToText(zone.origin), serialPolicy: flags.serialPolicy }, rrs, 'geodesic store import');
    process.stdout.write(`imported ${r.zone}: ${zone.recordCount} records, serial ${r.serialAfter}, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    await catalog.close();
  }
}
