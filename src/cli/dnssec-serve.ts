import { nameToText } from '../wire/index.js';
import type { Zone } from '../zone/index.js';
import { DEFAULT_VALIDITY, keysOf, readZoneKeys, signOptionsOf, signZoneAsync } from '../dnssec/index.js';

/** What `geodesic serve` needs to sign zones from a keys folder (config `dnssec.keys`). */
export interface DnssecServeOptions {
  /** The keys folder (`geodesic dnssec enable ZONE --keys DIR` writes it). */
  keysDir: string;
  /** Injected clock, seconds since the epoch (tests). */
  now?: () => number;
}

/**
 * The zone as Geodesic serves it: signed with the keys folder's keys when its key file is enabled,
 * else unchanged. Call after each load or reload, before the snapshot is swapped in; pass the snapshot
 * being replaced as `previous` so unchanged RRsets keep their signatures (a reload then signs only
 * what changed). Also the periodic refresh: `signLoadedZone(current, opts, current, newSerial)` re-makes
 * only signatures with less than a quarter of their validity left; when any were made, give the refresh
 * a higher `soaSerial` (so secondaries transfer them) — compare the result's signatures or simply bump
 * the serial on every refresh that is due (resignDelayMs). Signing runs in slices of about 10 ms
 * (signZoneAsync), so queries keep being answered meanwhile. Rejects with DnssecError for an unreadable
 * key file (keep the old snapshot then: serving the zone unsigned would make it bogus).
 */
export async function signLoadedZone(zone: Zone, opts: DnssecServeOptions, previous?: Zone, soaSerial?: number): Promise<Zone> {
  const file = readZoneKeys(opts.keysDir, nameToText(zone.origin));
  if (file === null || !file.enabled || file.keys.length === 0) return zone;
  return signZoneAsync(zone, keysOf(file), { ...signOptionsOf(file, opts.now?.()), previous, soaSerial });
}

/**
 * Milliseconds until a zone signed now should be signed again: when a quarter of the validity is left
 * (a 14-day validity is refreshed after 10.5 days), at most 2^31-1 ms (setTimeout's limit). Null when
 * the zone is not signed.
 */
export function resignDelayMs(zone: Zone, opts: DnssecServeOptions): number | null {
  const file = readZoneKeys(opts.keysDir, nameToText(zone.origin));
  if (file === null || !file.enabled) return null;
  const validity = file.validity ?? DEFAULT_VALIDITY;
  return Math.min(2 ** 31 - 1, Math.floor(validity * 0.75) * 1000);
}
