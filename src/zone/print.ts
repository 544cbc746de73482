import { nameToText, rdataToText, typeToText } from '../wire/index.js';
import type { Zone } from './zone.js';

/**
 * The zone as a canonical master file: `$ORIGIN`, the SOA first, then every RRset in canonical name
 * order, absolute names, one record a line (`owner TTL IN TYPE rdata`, tab separated).
 */
export function printZone(zone: Zone): string {
  const lines: string[] = [`$ORIGIN ${nameToText(zone.origin)}`];
  for (const set of zone.records()) {
    const owner = nameToText(set.name);
    const prefix = `${owner}\t${set.ttl}\tIN\t${typeToText(set.type)}\t`;
    for (const rd of set.rdata) lines.push(prefix + rdataToText(set.type, rd));
  }
  return lines.join('\n') + '\n';
}
