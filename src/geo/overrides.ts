import { commonPrefix, networkFromText } from './address.js';
import type { Network } from './address.js';
import { GeoError } from './errors.js';

/** One correction: a network and what it is (any field left out comes from the databases). */
export interface OverrideEntry {
  network: string;
  country?: string;
  continent?: string;
  region?: string;
  city?: string;
  lat?: number;
  lon?: number;
  asn?: number;
}

export interface Override extends Omit<OverrideEntry, 'network'> {
  readonly net: Network;
}

/** Parses and checks the table (longest match wins; entries are sorted longest prefix first). */
export function parseOverrides(entries: readonly OverrideEntry[]): Override[] {
  const out = entries.map((e) => {
    let net: Network;
    try {
      net = networkFromText(e.network);
    } catch (err) {
      throw new GeoError('GDNS_ERR_GEO_OVERRIDE', `geo override: ${(err as Error).message}`, { cause: err });
    }
    if ((e.lat === undefined) !== (e.lon === undefined)) {
      throw new GeoError('GDNS_ERR_GEO_OVERRIDE', `geo override ${e.network}: lat and lon go together`);
    }
    if (e.country !== undefined && !/^[A-Za-z]{2}$/.test(e.country)) {
      throw new GeoError('GDNS_ERR_GEO_OVERRIDE', `geo override ${e.network}: country "${e.country}" is not a two-letter code`);
    }
    return { ...e, country: e.country?.toUpperCase(), net };
  });
  return out.sort((a, b) => b.net.prefix - a.net.prefix);
}

/**
 * The index of the override holding the address (-1 for none). `bound` receives the prefix length
 * that must be kept for the outcome to stay the same: the matched network's prefix, or, with no
 * match, the bits that keep the address out of every override overlapping its `minPrefix` network.
 */
export function matchOverride(table: readonly Override[], address: Uint8Array, minPrefix: number,
  bound: { prefix: number }): number {
  let keep = minPrefix;
  for (let i = 0; i < table.length; i++) {
    const net = table[i]!.net;
    if (net.address.length !== address.length) continue;
    const common = commonPrefix(net.address, address);
    if (common >= net.prefix) {
      bound.prefix = Math.max(minPrefix, net.prefix);
      return i;
    }
    if (common >= minPrefix) keep = Math.max(keep, common + 1);
  }
  bound.prefix = keep;
  return -1;
}
