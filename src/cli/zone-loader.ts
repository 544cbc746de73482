import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nameFromText, nameKey } from '../wire/index.js';
import { ZoneSet, loadZoneFile } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { ServerConfig } from '../config/index.js';

export interface ZoneSpec {
  name: string;
  file: string;
}

export interface LoadResult {
  zones: ZoneSet;
  /** One line per zone that failed to load: file, line and reason. */
  errors: string[];
  loaded: number;
}

/** The zones a configuration names: every NAME.zone in zones.directory, then zones.files. */
export function zoneSpecs(config: ServerConfig): ZoneSpec[] {
  const specs: ZoneSpec[] = [];
  if (config.zones.directory !== null) {
    let entries: string[];
    try {
      entries = readdirSync(config.zones.directory).sort();
    } catch (err) {
      throw new Error(`cannot read the zones folder ${config.zones.directory}: ${(err as Error).message}`);
    }
    for (const f of entries) {
      if (f.endsWith('.zone')) specs.push({ name: basename(f, '.zone'), file: join(config.zones.directory, f) });
    }
  }
  specs.push(...config.zones.files);
  return specs;
}

/**
 * Loads every zone. A zone that fails keeps its previous version from `previous` (if any) and its error is
 * reported; the others are swapped in. Nothing here throws for a bad zone file.
 */
export async function loadZones(specs: ZoneSpec[], previous: ZoneSet | null): Promise<LoadResult> {
  const zones: Zone[] = [];
  const errors: string[] = [];
  let loaded = 0;
  for (const spec of specs) {
    let origin: Uint8Array;
    try {
      origin = nameFromText(spec.name.endsWith('.') ? spec.name : `${spec.name}.`);
    } catch (err) {
      errors.push(`${spec.file}: the zone name "${spec.name}" is not a domain name: ${(err as Error).message}`);
      continue;
    }
    try {
      zones.push(await loadZoneFile(spec.file, { origin }));
      loaded++;
    } catch (err) {
      errors.push((err as Error).message);
      const old = previous?.get(nameKey(origin));
      if (old !== undefined) zones.push(old);
    }
  }
  return { zones: new ZoneSet(zones), errors, loaded };
}
