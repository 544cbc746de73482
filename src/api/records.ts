import { isIP } from 'node:net';
import { ROOT, RRType, nameFromText, rdataFromText, rdataToText, tokenize, typeFromText, typeToText } from '../wire/index.js';
import { unprocessable } from './errors.js';
import { pdnsContent } from './pdns-text.js';
import { intFrom, stringFrom } from './json.js';
import type { Json } from './json.js';

/** Types whose canonical text is checked against what the client sent (see checkContent). */
const CANONICAL_CHECKED = new Set<number>([
  RRType.A, RRType.NS, RRType.CNAME, RRType.PTR, RRType.DNAME, RRType.MX, RRType.SRV, RRType.HINFO, RRType.NAPTR,
  RRType.CAA, RRType.DS, RRType.CDS, RRType.TLSA, RRType.SSHFP, RRType.AFSDB, RRType.KX, RRType.CERT, RRType.APL,
]);

/** Types with at most one record per RRset (PowerDNS onlyOneEntryTypes). */
const ONLY_ONE = new Set<number>([RRType.CNAME, RRType.DNAME, RRType.SOA]);
const APEX_ONLY = new Set<number>([RRType.SOA, RRType.DNSKEY]);
const NOT_APEX = new Set<number>([RRType.DS]);

/** A record type from a request ("RRset X IN FOO: unknown type given" when unknown; OPT and TSIG refused). */
export function apiType(name: string, text: string): { code: number; text: string } {
  let code: number;
  try {
    code = typeFromText(text.toUpperCase());
  } catch {
    throw unprocessable(`RRset ${name} IN ${text}: unknown type given`);
  }
  if (code === 0) throw unprocessable(`RRset ${name} IN ${text}: unknown type given`);
  if (code === RRType.OPT || code === RRType.TSIG) throw unprocessable(`RRset ${name} IN ${typeToText(code)}: invalid type given`);
  return { code, text: typeToText(code) };
}

/**
 * Checks one record's content as PowerDNS does: it must parse, and names in it must be absolute (content
 * is never relative to the zone); AAAA must be a plain IPv6 address. Returns the normalised content.
 */
export function checkContent(name: string, type: { code: number; text: string }, content: string, zone: string): string {
  const fail = (why: string): never => { throw unprocessable(`Record ${name}/${type.text} '${content}': ${why}`); };
  if (type.code === RRType.AAAA && (isIP(content) !== 6 || content.includes('.'))) fail('Invalid IPv6 address');
  if ((type.code === RRType.TXT || type.code === RRType.SPF) && !content.startsWith('"')) {
    fail(`Parsing record content (try 'pdnsutil check-zone'): Data field in DNS should start with quote (") at position 0 of '${content}'`);
  }
  // PowerDNS reads URI's target as a quoted string only (zone files may leave the quotes out, as in BIND)
  const uri = type.code === RRType.URI ? /^(\S+ \S+ )(.?)/.exec(content) : null;
  if (uri && uri[2] !== '"') {
    fail(`Parsing record content (try 'pdnsutil check-zone'): Data field in DNS should start with quote (") at position ${uri[1]!.length} of '${content}'`);
  }
  let asRoot: Uint8Array;
  let asZone: Uint8Array;
  try {
    asRoot = rdataFromText(type.code, tokenize(content), ROOT);
    asZone = rdataFromText(type.code, tokenize(content), nameFromText(zone));
  } catch (err) {
    return fail((err as Error).message);
  }
  const text = rdataToText(type.code, asRoot);
  if (Buffer.compare(asRoot, asZone) !== 0) fail(`Not in expected format (parsed as '${text}')`);
  if (type.code === RRType.CERT && asRoot[0] === 0 && asRoot[1] === 0) fail('CERT type 0 is reserved');
  // URI's numbers must be in the printed form; its target, quoted, is stored as printed (escapes resolved)
  if (type.code === RRType.URI && !content.startsWith(`${text.split(' ', 2).join(' ')} "`)) fail(`Not in expected format (parsed as '${text}')`);
  // PowerDNS refuses content that is not in the form it prints (so stored content stays canonical and
  // clients comparing contents agree); checked for the types whose printed form we share with it.
  if (CANONICAL_CHECKED.has(type.code)) {
    const printed = pdnsContent(type.code, text);
    if (printed.toLowerCase() !== content.toLowerCase()) fail(`Not in expected format (parsed as '${printed}')`);
  }
  return text;
}

/** TXT and SPF content is kept as the client wrote it (PowerDNS does; octodns reads back `\;`). */
export const keepText = (type: number): boolean => type === RRType.TXT || type === RRType.SPF;

export interface GatheredRecord { content: string; disabled: boolean; normal: string }

/** The `records` of an RRset in a request, each checked (gatherRecords). */
export function gatherRecords(rrset: Json, name: string, type: { code: number; text: string }, zone: string): GatheredRecord[] {
  const items = Array.isArray(rrset.records) ? rrset.records as unknown[] : [];
  return items.map((item) => {
    const rec = (typeof item === 'object' && item !== null ? item : {}) as Json;
    const content = stringFrom(rec, 'content');
    let disabled = false;
    if (rec.disabled !== undefined && rec.disabled !== null) {
      if (typeof rec.disabled !== 'boolean') throw unprocessable("Key 'disabled' not present or not a Bool");
      disabled = rec.disabled;
    }
    return { content, disabled, normal: checkContent(name, type, content, zone) };
  });
}

/** The RRset-level rules of PowerDNS's checkNewRecords: duplicates, one-record types, apex-only types. */
export function checkRRset(name: string, type: { code: number; text: string }, records: readonly GatheredRecord[], zone: string): void {
  const seen = new Set<string>();
  for (const r of records) {
    const key = r.normal.toLowerCase();
    if (seen.has(key)) throw unprocessable(`Duplicate record in RRset ${name} IN ${type.text} with content "${r.normal}"`);
    seen.add(key);
  }
  if (records.length > 1 && ONLY_ONE.has(type.code)) throw unprocessable(`RRset ${name} IN ${type.text} has more than one record`);
  if (records.length === 0) return;
  if (name === zone && NOT_APEX.has(type.code)) throw unprocessable(`Record ${name} IN ${type.text} is not allowed at apex`);
  if (name !== zone && APEX_ONLY.has(type.code)) throw unprocessable(`Record ${name} IN ${type.text} is only allowed at apex`);
}

/** The TTL of an RRset with records (required, 0..2^31-1). */
export function rrsetTtl(rrset: Json, name: string, type: string): number {
  const ttl = intFrom(rrset, 'ttl');
  if (ttl < 0 || ttl > 0x7fffffff) throw unprocessable(`RRset ${name} IN ${type}: TTL ${ttl} is out of range`);
  return ttl;
}
