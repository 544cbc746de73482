import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { countryInfo } from './country-table.js';
import { EMPTY_RECORD } from './geo-record.js';
import type { GeoRecord } from './geo-record.js';
import { MmdbFile } from './mmdb-file.js';
import { matchOverride, parseOverrides } from './overrides.js';
import type { Override, OverrideEntry } from './overrides.js';

export interface GeoIpOptions {
  /** MMDB files, consulted in order: a field comes from the first file that has it (PowerDNS
   * `geoip-database-files`). Empty: the bundled CC0 country database. */
  files?: readonly string[];
  /** Networks whose location or country is corrected (also for private networks). */
  overrides?: readonly OverrideEntry[];
  /** Use a country's representative position when no file gives a location (default: when no City
   * database is configured; with one, an unlocated address is at 0,0 as in PowerDNS). */
  countryPositions?: boolean;
}

/** Where one address landed: the records read, as numbers (reused object, see GeoIp.locate). */
export interface GeoLocation {
  /** One entry per file (record pointer, 0 for none), then the override index + 1 (0 for none). */
  readonly parts: Float64Array;
  /** A hash of `parts`. */
  hash: number;
  /** Prefix length within which every address lands on the same records. */
  prefix: number;
}

/** Something went wrong reloading a file; the previous version keeps serving. */
export interface GeoReloadEvent {
  path: string;
  error?: Error;
}

interface Stamp { mtimeMs: number; size: number; ino: number }

/**
 * The GeoIP databases and the override table. Lookups are synchronous and allocation-free
 * (`locate` walks each tree to the record pointer); decoded, merged records are kept per pointer set.
 * `refresh()` re-reads files changed on disk; a file that fails to load keeps its previous version.
 */
export class GeoIp {
  /** Bumped when any file is replaced: records and answers cached under an older generation are stale. */
  generation = 0;
  private files: MmdbFile[];
  private stamps: Stamp[];
  private readonly overrides: Override[];
  private readonly countryPositions: boolean;
  private readonly merged = new Map<string, GeoRecord>();
  private readonly bound = { prefix: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(options: GeoIpOptions = {}) {
    const paths = options.files !== undefined && options.files.length > 0 ? [...options.files] : [defaultDatabasePath()];
    this.files = paths.map((p) => new MmdbFile(p));
    this.stamps = paths.map(stamp);
    this.overrides = parseOverrides(options.overrides ?? []);
    this.countryPositions = options.countryPositions ?? !this.files.some((f) => /city/i.test(f.databaseType));
  }

  get paths(): string[] {
    return this.files.map((f) => f.path);
  }

  /** A location object sized for these files, to pass to `locate` again and again. */
  newLocation(): GeoLocation {
    return { parts: new Float64Array(this.files.length + 1), hash: 0, prefix: 0 };
  }

  /** Fills `loc` for the address (4 or 16 bytes). */
  locate(address: Uint8Array, loc: GeoLocation): GeoLocation {
    const files = this.files;
    const parts = loc.parts;
    let h = 0x811c9dc5;
    let prefix = 0;
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const p = f.lookup(address);
      parts[i] = p;
      if (f.prefix > prefix) prefix = f.prefix;
      h = Math.imul(h ^ p, 0x01000193);
    }
    let o = 0;
    if (this.overrides.length > 0) {
      o = matchOverride(this.overrides, address, prefix, this.bound) + 1;
      prefix = this.bound.prefix;
    }
    parts[files.length] = o;
    loc.hash = (Math.imul(h ^ o, 0x01000193) ^ this.generation) >>> 0;
    loc.prefix = prefix;
    return loc;
  }

  /** The merged record of a location (first file with a field wins; overrides over files). */
  record(loc: GeoLocation): GeoRecord {
    const key = loc.parts.join(',');
    let r = this.merged.get(key);
    if (r === undefined) {
      r = this.merge(loc);
      if (this.merged.size > 100_000) this.merged.clear();
      this.merged.set(key, r);
    }
    return r;
  }

  /** The merged record of an address (not for the hot path). */
  lookup(address: Uint8Array): GeoRecord {
    return this.record(this.locate(address, this.newLocation()));
  }

  private merge(loc: GeoLocation): GeoRecord {
    const m: { -readonly [K in keyof GeoRecord]: GeoRecord[K] } = { ...EMPTY_RECORD };
    for (let i = 0; i < this.files.length; i++) {
      const p = loc.parts[i]!;
      if (p === 0) continue;
      const r = this.files[i]!.record(p);
      m.country ??= r.country;
      m.continent ??= r.continent;
      m.region ??= r.region;
      m.city ??= r.city;
      m.asn ??= r.asn;
      m.asnOrg ??= r.asnOrg;
      if (!m.hasLocation && r.hasLocation) {
        m.lat = r.lat;
        m.lon = r.lon;
        m.hasLocation = true;
      }
    }
    const o = loc.parts[this.files.length]!;
    if (o > 0) {
      const ov = this.overrides[o - 1]!;
      if (ov.country !== undefined) m.country = ov.country;
      if (ov.continent !== undefined) m.continent = ov.continent;
      if (ov.region !== undefined) m.region = ov.region;
      if (ov.city !== undefined) m.city = ov.city;
      if (ov.asn !== undefined) m.asn = ov.asn;
      if (ov.lat !== undefined && ov.lon !== undefined) {
        m.lat = ov.lat;
        m.lon = ov.lon;
        m.hasLocation = true;
      }
    }
    const info = m.country !== null ? countryInfo(m.country) : undefined;
    if (info !== undefined) {
      m.continent ??= info.continent;
      if (!m.hasLocation && this.countryPositions) {
        m.lat = info.lat;
        m.lon = info.lon;
        m.hasLocation = true;
      }
    }
    return m;
  }

  /**
   * Re-reads every file whose size, inode or modification time changed (geoipupdate replaces files by
   * rename). A file that fails to load is reported and its previous version keeps serving.
   */
  refresh(): GeoReloadEvent[] {
    const events: GeoReloadEvent[] = [];
    const files = this.files.slice();
    let changed = false;
    for (let i = 0; i < files.length; i++) {
      const path = files[i]!.path;
      let s: Stamp;
      try {
        s = stamp(path);
      } catch (err) {
        events.push({ path, error: err as Error });
        continue;
      }
      const old = this.stamps[i]!;
      if (s.mtimeMs === old.mtimeMs && s.size === old.size && s.ino === old.ino) continue;
      try {
        files[i] = new MmdbFile(path);
        this.stamps[i] = s;
        changed = true;
        events.push({ path });
      } catch (err) {
        this.stamps[i] = s; // reported once; a later replacement is tried again
        events.push({ path, error: err as Error });
      }
    }
    if (changed) {
      this.files = files;
      this.merged.clear();
      this.generation++;
    }
    return events;
  }

  /** Calls `refresh` every `intervalMs` (default 10 s) and reports what happened. */
  watch(onEvent: (e: GeoReloadEvent) => void, intervalMs = 10_000): void {
    this.close();
    this.timer = setInterval(() => {
      for (const e of this.refresh()) onEvent(e);
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

function stamp(path: string): Stamp {
  const s = statSync(path);
  return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
}

/** The bundled CC0 database (@ip-location-db/geo-whois-asn-country-mmdb: country per network). */
export function defaultDatabasePath(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
}
