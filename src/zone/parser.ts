import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import {
  RRClass, RRType, WireError, classFromText, classToText, isClassText, nameFromText, nameLower, nameToText, rdataFromText, soaMinimum, typeFromText,
} from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { ZoneFileError, type Diagnostic } from './errors.js';
import { ZoneLexer, type ZoneEntry, type ZoneToken } from './lexer.js';
import { parseTtl } from './ttl.js';
import { generateTokens, parseGenerateRange } from './generate.js';
import { PlainKeyMaker, isBelowBytes, keyOf } from './name-key.js';

export interface ParseOptions {
  origin: Name;            // the zone's origin: records outside it are refused
  file?: string;           // shown in errors; default '<text>'
  defaultTtl?: number;     // as if the file began with $TTL
  includeRoot?: string;    // folder $INCLUDE may read from; default: the file's folder
  keysOnly?: boolean;      // pass owners to the sink as keys only (name = null): the fast path of loading
}

/**
 * Receives each record as parsed: the owner as lower-cased wire bytes (nameKey as bytes; do not keep
 * or change it) and, unless `keysOnly`, the owner as written. Called once per record, in file order.
 */
export type RecordSink = (owner: Uint8Array, name: Name | null, type: number, ttl: number, rdata: Uint8Array,
  file: string, line: number) => void;

const MAX_INCLUDE_DEPTH = 16;

interface State { origin: Name; originKey: string; lastKey: Uint8Array | null; lastOwner: Name | null; lastOwnerText: string }

/** Streaming master-file parser: state of one file and its $INCLUDEs. */
class ZoneParser {
  private defaultTtl: number | undefined;
  private lastTtl: number | undefined;
  private readonly includeRoot: string | undefined;
  private readonly keysOnly: boolean;
  private readonly zoneBytes: Uint8Array;
  private readonly keys = new PlainKeyMaker();
  private keyOrigin = '';
  private readonly types = new Map<string, number>();

  constructor(private readonly opts: ParseOptions, private readonly sink: RecordSink,
    private readonly warn: (d: Diagnostic) => void) {
    this.defaultTtl = opts.defaultTtl;
    this.keysOnly = opts.keysOnly === true;
    this.zoneBytes = nameLower(opts.origin);
    this.includeRoot = opts.includeRoot ?? (opts.file !== undefined ? dirname(resolve(opts.file)) : undefined);
  }

  run(text: string, file: string, origin: Name, depth: number): void {
    const lexer = new ZoneLexer(text, file);
    const st: State = { origin, originKey: keyOf(origin), lastKey: null, lastOwner: null, lastOwnerText: '' };
    for (let e = lexer.next(); e; e = lexer.next()) {
      const first = e.tokens[0]!;
      if (!e.blankOwner && !first.quoted && first.text.startsWith('$')) this.directive(e, st, file, depth);
      else this.record(e.tokens, e.blankOwner, st, file);
    }
  }

  private fail(file: string, t: ZoneToken | { line: number; column: number }, reason: string, cause?: unknown): never {
    throw new ZoneFileError(file, t.line, t.column, reason, cause === undefined ? undefined : { cause });
  }

  private name(t: ZoneToken, origin: Name, file: string): Name {
    if (t.quoted) this.fail(file, t, `a name cannot be quoted ("${t.text}")`);
    try {
      return nameFromText(t.text, origin);
    } catch (err) {
      if (err instanceof WireError) this.fail(file, t, err.message, err);
      throw err;
    }
  }

  private ttl(t: ZoneToken, file: string): number | undefined {
    try {
      return parseTtl(t.text);
    } catch (err) {
      this.fail(file, t, (err as Error).message);
    }
  }

  private directive(e: ZoneEntry, st: State, file: string, depth: number): void {
    const [d, a1, a2] = e.tokens;
    const word = d!.text.toUpperCase();
    const need = (n: number): void => {
      if (e.tokens.length < n) this.fail(file, d!, `${word} needs ${n - 1} argument(s)`);
    };
    if (word === '$ORIGIN') {
      need(2);
      if (e.tokens.length > 2) this.fail(file, e.tokens[2]!, `$ORIGIN takes one name`);
      st.origin = this.name(a1!, st.origin, file);
      st.originKey = keyOf(st.origin);
      st.lastOwnerText = '';
    } else if (word === '$TTL') {
      need(2);
      const v = a1!.quoted ? undefined : this.ttl(a1!, file);
      if (v === undefined) this.fail(file, a1!, `$TTL "${a1!.text}" is not a TTL`);
      this.defaultTtl = v;
    } else if (word === '$INCLUDE') {
      need(2);
      const origin = a2 ? this.name(a2, st.origin, file) : st.origin;
      this.include(a1!, origin, file, depth);
    } else if (word === '$GENERATE') {
      need(5);
      this.generate(e, st, file);
    } else this.fail(file, d!, `unknown directive ${d!.text}`);
  }

  private include(t: ZoneToken, origin: Name, file: string, depth: number): void {
    if (depth >= MAX_INCLUDE_DEPTH) this.fail(file, t, `$INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep`);
    if (this.includeRoot === undefined) this.fail(file, t, '$INCLUDE needs a zone file (or includeRoot) to resolve from');
    let real: string, root: string, text: string;
    try {
      root = realpathSync(this.includeRoot);
      real = realpathSync(resolve(root, t.text));
    } catch (err) {
      this.fail(file, t, `$INCLUDE ${t.text}: ${(err as NodeJS.ErrnoException).code ?? 'cannot resolve'}`, err);
    }
    if (!real.startsWith(root + sep)) this.fail(file, t, `$INCLUDE ${t.text} is outside the zone's folder ${root}`);
    try {
      text = readFileSync(real, 'utf8');
    } catch (err) {
      this.fail(file, t, `$INCLUDE ${t.text}: ${(err as NodeJS.ErrnoException).code ?? 'cannot read'}`, err);
    }
    this.run(text, real, origin, depth + 1);
  }

  private generate(e: ZoneEntry, st: State, file: string): void {
    const t = e.tokens;
    let range;
    try {
      range = parseGenerateRange(t[1]!.text);
    } catch (err) {
      this.fail(file, t[1]!, (err as Error).message);
    }
    let i = 3;
    while (i < t.length - 1 && i < 5 && !t[i]!.quoted &&
      (isClassText(t[i]!.text) || /^\d/.test(t[i]!.text))) i++;
    const middle = t.slice(3, i + 1); // ttl/class and the type
    const rhs = t.slice(i + 1);
    if (rhs.length === 0) this.fail(file, t[i]!, '$GENERATE needs a type and rdata');
    for (let v = range.start; v <= range.stop; v += range.step) {
      let tokens: ZoneToken[];
      try {
        tokens = generateTokens(t[2]!, middle, rhs, v);
      } catch (err) {
        this.fail(file, t[2]!, (err as Error).message);
      }
      this.record(tokens, false, st, file);
    }
  }

  private record(tokens: ZoneToken[], blankOwner: boolean, st: State, file: string): void {
    let i = 0;
    if (blankOwner) {
      if (st.lastKey === null) this.fail(file, tokens[0]!, 'no owner name and no previous record to take it from');
    } else {
      const t = tokens[0]!;
      if (st.lastKey === null || t.text !== st.lastOwnerText || t.text === '@') this.owner(t, st, file);
      i = 1;
    }
    const key = st.lastKey!;
    const owner = st.lastOwner;
    let ttl: number | undefined;
    let klass: number | undefined;
    for (let k = 0; k < 2; k++) {
      const t = tokens[i];
      if (t === undefined || t.quoted || this.types.has(t.text)) break;
      if (ttl === undefined && (t.text.charCodeAt(0) - 48) >>> 0 < 10) {
        ttl = this.ttl(t, file);
        if (ttl === undefined) this.fail(file, t, `"${t.text}" is not a TTL`);
        i++;
      } else if (klass === undefined && isClassText(t.text)) {
        klass = classFromText(t.text);
        if (klass !== RRClass.IN) this.fail(file, t, `class ${classToText(klass)} does not match the zone's class IN`);
        i++;
      } else break;
    }
    const tt = tokens[i];
    if (tt === undefined) this.fail(file, tokens[tokens.length - 1]!, 'record has no type');
    const type = this.type(tt, file);
    const rtoks = tokens.slice(i + 1);
    let rdata: Uint8Array;
    try {
      rdata = rdataFromText(type, rtoks, st.origin);
    } catch (err) {
      if (err instanceof WireError) this.fail(file, rtoks[0] ?? tt, err.message, err);
      throw err;
    }
    this.sink(key, owner, type, this.recordTtl(ttl, type, rdata, file, tt), rdata, file, tt.line);
  }

  /** The type of a token; mnemonics seen before come from a small per-parser cache. */
  private type(tt: ZoneToken, file: string): number {
    const known = tt.quoted ? undefined : this.types.get(tt.text);
    if (known !== undefined) return known;
    try {
      if (tt.quoted) throw new WireError('GDNS_ERR_WIRE_SYNTAX', `"${tt.text}" is not a type`);
      const type = typeFromText(tt.text);
      if (this.types.size < 256) this.types.set(tt.text, type);
      return type;
    } catch (err) {
      this.fail(file, tt, `unknown type "${tt.text}"`, err);
    }
  }

  /** Reads the owner token into st.lastKey / st.lastOwner (the name only when the sink wants names). */
  private owner(t: ZoneToken, st: State, file: string): void {
    if (this.keyOrigin !== st.originKey) { this.keys.setOrigin(st.originKey); this.keyOrigin = st.originKey; }
    let key = this.keysOnly && !t.quoted ? this.keys.bytes(t.text) : null;
    let name: Name | null = null;
    if (key === null) {
      name = this.name(t, st.origin, file);
      key = nameLower(name);
    }
    if (!isBelowBytes(key, this.zoneBytes)) {
      this.fail(file, t, `${nameToText(key)} is outside the zone ${nameToText(this.opts.origin)}`);
    }
    st.lastKey = key;
    st.lastOwner = this.keysOnly ? null : name;
    st.lastOwnerText = t.text;
  }

  /** BIND's rules: explicit TTL; else $TTL; else the last explicit TTL (RFC 1035); else the SOA minimum (RFC 2308). */
  private recordTtl(explicit: number | undefined, type: number, rdata: Uint8Array, file: string, at: ZoneToken): number {
    if (explicit !== undefined) {
      if (this.defaultTtl === undefined) this.lastTtl = explicit;
      return explicit;
    }
    if (this.defaultTtl !== undefined) return this.defaultTtl;
    if (this.lastTtl !== undefined) return this.lastTtl;
    if (type === RRType.SOA) {
      // BIND: the SOA minimum then acts as $TTL (later explicit TTLs do not replace it)
      this.defaultTtl = soaMinimum(rdata);
      this.warn({ severity: 'warning', file, line: at.line, type: 'SOA',
        message: `no TTL specified and no $TTL; using SOA MINTTL (${this.defaultTtl}) instead` });
      return this.defaultTtl;
    }
    this.fail(file, at, 'no TTL specified and no $TTL before this record');
  }
}

/**
 * Streaming parse of master-file text: calls `sink` for each record in file order (no Rr object is
 * made, so a 1M-record file is not held twice). Throws ZoneFileError (file:line:column: reason).
 * Warnings (TTL taken from the SOA) go to `warn`.
 */
export function parseZone(text: string, opts: ParseOptions, sink: RecordSink, warn: (d: Diagnostic) => void = () => {}): void {
  const file = opts.file ?? '<text>';
  new ZoneParser(opts, sink, warn).run(text, file, opts.origin, 0);
}
