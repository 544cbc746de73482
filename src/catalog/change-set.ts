import { RRType, nameFromText, nameIsBelowOrAt, nameToText, rdataFromText, rdataToText, tokenize, typeFromText, typeToText } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import type { NewRecord, RRsetState } from '../store/index.js';
import { CatalogError } from './errors.js';

/** One record of an RRset edit, in presentation form (PowerDNS API shape). */
export interface RecordInput { content: string; disabled?: boolean }
export interface CommentInput { content: string; account?: string; modified_at?: number }

/**
 * One RRset edit (PowerDNS `PATCH /zones/{zone}` rrsets item). REPLACE sets the RRset to `records`
 * (none: deleted) and, when given, its comments; DELETE removes records and comments.
 */
export interface RRsetEdit {
  name: string;
  type: string | number;
  /** EXTEND adds the one record given unless present, PRUNE removes it if present (PowerDNS 5 / 4.9). */
  changetype: 'REPLACE' | 'DELETE' | 'EXTEND' | 'PRUNE';
  ttl?: number;
  records?: readonly RecordInput[];
  comments?: readonly CommentInput[];
}

export interface ChangeSet { rrsets: readonly RRsetEdit[] }

/** An edit checked and parsed: owner, type, records with wire rdata. */
export interface ParsedEdit {
  name: string;          // lower-case absolute text
  owner: Name;
  type: number;
  replace: boolean;
  ttl: number;
  records: NewRecord[];  // empty for DELETE or an emptied RRset
  /** Records untouched (comment-only REPLACE without records). */
  keepRecords: boolean;
  /** EXTEND/PRUNE: `records` holds the one record to add or remove; the RRset is computed from what is stored. */
  merge: 'extend' | 'prune' | null;
  comments: readonly CommentInput[] | null;
}

const MAX_TTL = 0x7fffffff;

/** TXT-like types keep their text as written (escapes such as `\;` included), as PowerDNS does. */
const KEEP_TEXT = new Set<number>([RRType.TXT, RRType.SPF]);

/**
 * Parses a record's content into wire rdata and the presentation form kept in the store: normalised,
 * except TXT and SPF, kept as written (trimmed) — clients (octodns, PowerDNS-Admin) compare what they
 * read back with what they sent, and PowerDNS keeps it.
 */
export function parseContent(type: number, content: string, origin: Name): { wire: Uint8Array; content: string } {
  try {
    const wire = rdataFromText(type, tokenize(content), origin);
    return { wire, content: KEEP_TEXT.has(type) && content.trim() !== '' ? content.trim() : rdataToText(type, wire) };
  } catch (err) {
    throw new CatalogError('GDNS_ERR_RECORD_INVALID', `"${content}" is not valid ${typeToText(type)} content: ${(err as Error).message}`, { cause: err });
  }
}

export function parseOwner(text: string, origin: Name): Name {
  let owner: Name;
  try {
    owner = nameFromText(text.endsWith('.') ? text : `${text}.`);
  } catch (err) {
    throw new CatalogError('GDNS_ERR_RECORD_INVALID', `"${text}" is not a domain name: ${(err as Error).message}`, { cause: err });
  }
  if (!nameIsBelowOrAt(owner, origin)) {
    throw new CatalogError('GDNS_ERR_RECORD_INVALID', `${nameToText(owner)} is outside the zone ${nameToText(origin)}`);
  }
  return owner;
}

export function parseType(type: string | number): number {
  if (typeof type === 'number') return type;
  try {
    return typeFromText(type.toUpperCase());
  } catch (err) {
    throw new CatalogError('GDNS_ERR_RECORD_INVALID', `"${type}" is not a record type`, { cause: err });
  }
}

/** Checks and parses every edit of a change set (nothing touches the store yet). */
export function parseChangeSet(cs: ChangeSet, origin: Name): ParsedEdit[] {
  const seen = new Set<string>();
  return cs.rrsets.map((e) => {
    const owner = parseOwner(e.name, origin);
    const name = nameToText(owner).toLowerCase();
    const type = parseType(e.type);
    const key = `${name}/${type}`;
    if (seen.has(key)) throw new CatalogError('GDNS_ERR_CHANGE_INVALID', `${name} ${e.type} appears twice in one change`);
    seen.add(key);
    if (!['REPLACE', 'DELETE', 'EXTEND', 'PRUNE'].includes(e.changetype)) {
      throw new CatalogError('GDNS_ERR_CHANGE_INVALID', `changetype must be REPLACE, DELETE, EXTEND or PRUNE, not ${String(e.changetype)}`);
    }
    const merge = e.changetype === 'EXTEND' ? 'extend' : e.changetype === 'PRUNE' ? 'prune' : null;
    if (merge !== null && e.records?.length !== 1) {
      throw new CatalogError('GDNS_ERR_CHANGE_INVALID', `${name} ${e.type}: ${e.changetype} takes exactly one record`);
    }
    const replace = e.changetype !== 'DELETE';
    const keepRecords = replace && e.records === undefined;
    // EXTEND/PRUNE without a TTL keep the RRset's (-1 here: taken from the stored RRset).
    const ttl = e.ttl ?? (merge !== null ? -1 : 3600);
    if (replace && !keepRecords && !(merge !== null && e.ttl === undefined) && (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL)) {
      throw new CatalogError('GDNS_ERR_RECORD_INVALID', `${name} ${e.type}: TTL ${ttl} is not within 0..${MAX_TTL}`);
    }
    const records: NewRecord[] = [];
    const contents = new Set<string>();
    for (const r of replace ? e.records ?? [] : []) {
      const p = parseContent(type, r.content, origin);
      if (contents.has(p.content)) continue;
      contents.add(p.content);
      records.push({ name, type, ttl, content: p.content, wire: p.wire, disabled: r.disabled === true });
    }
    return { name, owner, type, replace, ttl, records, keepRecords, merge, comments: merge !== null ? null : replace ? e.comments ?? null : [] };
  });
}

/** The journal form of stored records (null when there are none). */
export function stateOf(rows: readonly { ttl: number; content: string; disabled: boolean }[]): RRsetState | null {
  if (rows.length === 0) return null;
  return { ttl: rows[0]!.ttl, records: rows.map((r) => ({ content: r.content, disabled: r.disabled })) };
}
