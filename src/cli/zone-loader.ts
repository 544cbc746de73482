import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { nameFromText, nameKey } from '../wire/index.js';
import { ZoneSet, loadZoneFile } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { ServerConfig } from '../config/index.js';
import { signLoadedZone } from './dnssec-serve.js';

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
export async function loadZones(specs: ZoneSpec[], previous: ZoneSet | null, keysDir: string | null = null): Promise<LoadResult> {
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
      let zone = loadZoneFile(spec.file, { origin });
      if (keysDir !== null) {
        // Signed with the zone's keys when signing is on for it. A signing failure keeps the old version:
        // serving a signed zone unsigned would make it bogus for validating resolvers.
        const old = previous?.get(nameKey(origin));
        zone = await signLoadedZone(zone, { keysDir }, old, old !== undefined && serialAfter(old.serial, zone.serial) ? old.serial : undefined);
      }
      zones.push(zone);
      loaded++;
    } catch (err) {
      errors.push((err as Error).message);
      const old = previous?.get(nameKey(origin));
      if (old !== undefined) zones.push(old);
    }
  }
  return { zones: new ZoneSet(zones), errors, loaded };
}

/** RFC 1982: serial a comes after serial b. A re-signed zone never goes back to an older serial (its
 * periodic refresh bumps the serial without the file). */
export function serialAfter(a: number, b: number): boolean {
  return a !== b && ((a - b) >>> 0) < 0x80000000;
}
