import { nameFromText, nameToText, rdataToText } from '../wire/index.js';
import type { Name, Rr } from '../wire/index.js';
import type { NewRecord, ZoneKind } from '../store/index.js';
import { ZONE_KINDS } from '../store/index.js';
import { CatalogError } from './errors.js';
import { parseContent, parseOwner, parseType } from './change-set.js';
import { parseSerialPolicy } from './serial-policy.js';
import type { SerialPolicy } from './serial-policy.js';

/** A new zone (PowerDNS `POST /zones` shape, records flattened). */
export interface ZoneSpec {
  name: string;
  kind?: ZoneKind;
  account?: string;
  primaries?: string[];
  /** increment (default), date, epoch, or a PowerDNS SOA-EDIT-API value. */
  serialPolicy?: string;
  records?: readonly { name: string; type: string | number; ttl?: number; content: string; disabled?: boolean }[];
}

export interface CheckedSpec { origin: Name; name: string; kind: ZoneKind; account: string; primaries: string[]; policy: SerialPolicy }

export function zoneOrigin(name: string): Name {
  try {
    return nameFromText(name.endsWith('.') ? name : `${name}.`);
  } catch (err) {
    throw new CatalogError('GDNS_ERR_ZONE_NAME', `"${name}" is not a zone name: ${(err as Error).message}`, { cause: err });
  }
}

/** The canonical text of a zone name (lower case, trailing dot). */
export function zoneName(name: string): string {
  return nameToText(zoneOrigin(name)).toLowerCase();
}

export function checkSpec(spec: ZoneSpec): CheckedSpec {
  const origin = zoneOrigin(spec.name);
  const kind = spec.kind ?? 'native';
  if (!ZONE_KINDS.includes(kind)) throw new CatalogError('GDNS_ERR_CHANGE_INVALID', `zone kind must be one of ${ZONE_KINDS.join(', ')}`);
  return {
    origin, name: nameToText(origin).toLowerCase(), kind, account: spec.account ?? '', primaries: spec.primaries ?? [],
    policy: parseSerialPolicy(spec.serialPolicy ?? 'increment'),
  };
}

/** The spec's records, parsed and checked. */
export function* specRecords(spec: ZoneSpec, origin: Name): Iterable<NewRecord> {
  for (const r of spec.records ?? []) {
    const owner = parseOwner(r.name, origin);
    const type = parseType(r.type);
    const p = parseContent(type, r.content, origin);
    yield { name: nameToText(owner).toLowerCase(), type, ttl: r.ttl ?? 3600, content: p.content, wire: p.wire, disabled: r.disabled === true };
  }
}

/** Records already in wire form (zone files, transfers): presentation form added. */
export function* wireRecords(rrs: Iterable<Rr>): Iterable<NewRecord> {
  for (const rr of rrs) {
    yield { name: nameToText(rr.name).toLowerCase(), type: rr.type, ttl: rr.ttl, content: rdataToText(rr.type, rr.rdata), wire: rr.rdata, disabled: false };
  }
}
