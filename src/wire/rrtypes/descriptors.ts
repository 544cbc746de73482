import { RRType } from '../constants.js';
import type { Field, FieldKind, TypeDescriptor } from './field.js';
import { alg, caaTag, cname, ipv4, ipv6, name, restString, rrtype, str, strs, ttl32, u16, u32, u48, u8 } from './kinds-basic.js';
import { b32Len, b64, b64Len16, hex, hexLen, sigTime, tsigError } from './kinds-binary.js';
import { bitmap } from './bitmap.js';
import { svcParams } from './svcb.js';
import { loc } from './loc.js';
import { certAlg, certType } from './cert.js';
import { aplItems } from './apl.js';

type Spec = readonly (readonly [FieldKind, string])[];

const SOA: Spec = [[cname, 'mname'], [cname, 'rname'], [u32, 'serial'], [ttl32, 'refresh'], [ttl32, 'retry'], [ttl32, 'expire'], [ttl32, 'minimum']];
const DS: Spec = [[u16, 'key tag'], [alg, 'algorithm'], [u8, 'digest type'], [hex, 'digest']];
const DNSKEY: Spec = [[u16, 'flags'], [u8, 'protocol'], [alg, 'algorithm'], [b64, 'public key']];
const TLSA: Spec = [[u8, 'usage'], [u8, 'selector'], [u8, 'matching type'], [hex, 'certificate data']];
const SVCB: Spec = [[u16, 'priority'], [name, 'target'], [svcParams, 'params']];

/** Wire layout of every type Geodesic knows; other types are handled as RFC 3597 opaque data. */
const SPECS: Record<number, { spec: Spec; lower: boolean }> = {
  [RRType.A]: { spec: [[ipv4, 'address']], lower: false },
  [RRType.NS]: { spec: [[cname, 'nsdname']], lower: true },
  [RRType.CNAME]: { spec: [[cname, 'target']], lower: true },
  [RRType.SOA]: { spec: SOA, lower: true },
  [RRType.PTR]: { spec: [[cname, 'ptrdname']], lower: true },
  [RRType.HINFO]: { spec: [[str, 'cpu'], [str, 'os']], lower: false },
  [RRType.MX]: { spec: [[u16, 'preference'], [cname, 'exchange']], lower: true },
  [RRType.TXT]: { spec: [[strs, 'text']], lower: false },
  [RRType.RP]: { spec: [[name, 'mbox'], [name, 'txtdname']], lower: true },
  // RFC 1183; not compressed on output (RFC 3597 §4), lower-cased in canonical form (RFC 4034 §6.2)
  [RRType.AFSDB]: { spec: [[u16, 'subtype'], [name, 'hostname']], lower: true },
  [RRType.AAAA]: { spec: [[ipv6, 'address']], lower: false },
  [RRType.LOC]: { spec: [[loc, 'location']], lower: false },
  [RRType.SRV]: { spec: [[u16, 'priority'], [u16, 'weight'], [u16, 'port'], [name, 'target']], lower: true },
  [RRType.NAPTR]: {
    spec: [[u16, 'order'], [u16, 'preference'], [str, 'flags'], [str, 'services'], [str, 'regexp'], [name, 'replacement']],
    lower: true,
  },
  // RFC 2230 §3.1: the exchanger is never compressed
  [RRType.KX]: { spec: [[u16, 'preference'], [name, 'exchanger']], lower: true },
  [RRType.CERT]: { spec: [[certType, 'type'], [u16, 'key tag'], [certAlg, 'algorithm'], [b64, 'certificate']], lower: false },
  [RRType.DNAME]: { spec: [[name, 'target']], lower: true },
  [RRType.APL]: { spec: [[aplItems, 'items']], lower: false },
  [RRType.DS]: { spec: DS, lower: false },
  [RRType.SSHFP]: { spec: [[u8, 'algorithm'], [u8, 'fingerprint type'], [hex, 'fingerprint']], lower: false },
  [RRType.RRSIG]: {
    spec: [[rrtype, 'type covered'], [alg, 'algorithm'], [u8, 'labels'], [u32, 'original TTL'], [sigTime, 'expiration'],
      [sigTime, 'inception'], [u16, 'key tag'], [name, 'signer'], [b64, 'signature']],
    lower: true,
  },
  [RRType.NSEC]: { spec: [[name, 'next domain'], [bitmap, 'types']], lower: false },
  [RRType.DNSKEY]: { spec: DNSKEY, lower: false },
  [RRType.NSEC3]: {
    spec: [[u8, 'hash algorithm'], [u8, 'flags'], [u16, 'iterations'], [hexLen, 'salt'], [b32Len, 'next hashed owner'], [bitmap, 'types']],
    lower: false,
  },
  [RRType.NSEC3PARAM]: { spec: [[u8, 'hash algorithm'], [u8, 'flags'], [u16, 'iterations'], [hexLen, 'salt']], lower: false },
  [RRType.TLSA]: { spec: TLSA, lower: false },
  [RRType.SMIMEA]: { spec: TLSA, lower: false },
  [RRType.CDS]: { spec: DS, lower: false },
  [RRType.CDNSKEY]: { spec: DNSKEY, lower: false },
  [RRType.OPENPGPKEY]: { spec: [[b64, 'key']], lower: false },
  [RRType.CSYNC]: { spec: [[u32, 'serial'], [u16, 'flags'], [bitmap, 'types']], lower: false },
  [RRType.ZONEMD]: { spec: [[u32, 'serial'], [u8, 'scheme'], [u8, 'hash algorithm'], [hex, 'digest']], lower: false },
  [RRType.SVCB]: { spec: SVCB, lower: false },
  [RRType.HTTPS]: { spec: SVCB, lower: false },
  [RRType.SPF]: { spec: [[strs, 'text']], lower: false },
  [RRType.TSIG]: {
    spec: [[name, 'algorithm'], [u48, 'time signed'], [u16, 'fudge'], [b64Len16, 'MAC'], [u16, 'original id'],
      [tsigError, 'error'], [b64Len16, 'other data']],
    lower: false,
  },
  [RRType.URI]: { spec: [[u16, 'priority'], [u16, 'weight'], [restString, 'target']], lower: false },
  [RRType.CAA]: { spec: [[u8, 'flags'], [caaTag, 'tag'], [restString, 'value']], lower: false },
  [RRType.ALIAS]: { spec: [[name, 'target']], lower: false },
  [RRType.LUA]: { spec: [[rrtype, 'type'], [strs, 'code']], lower: false },
};

const TYPE_NAMES = new Map<number, string>(Object.entries(RRType).map(([k, v]) => [v, k]));

const DESCRIPTORS = new Map<number, TypeDescriptor>();
for (const [t, { spec, lower }] of Object.entries(SPECS)) {
  const type = Number(t);
  const fields: Field[] = spec.map(([kind, label]) => ({ kind, label }));
  DESCRIPTORS.set(type, Object.freeze({ type, name: TYPE_NAMES.get(type)!, fields: Object.freeze(fields), lowerNames: lower }));
}

/** The descriptor of a known type, or undefined (RFC 3597 opaque). */
export function descriptorOf(type: number): TypeDescriptor | undefined {
  return DESCRIPTORS.get(type);
}

/** True when the type's rdata holds at least one domain name. */
export function hasNames(d: TypeDescriptor): boolean {
  return d.fields.some((f) => f.kind.name !== undefined);
}
