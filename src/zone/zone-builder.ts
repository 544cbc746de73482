import { RRType, nameLower, nameToText, rdataCanonical, rrsigTypeCovered, typeToText } from '../wire/index.js';
import { isBelowKey, keyOf, keyToName } from './name-key.js';
import type { Name } from '../wire/index.js';
import { ZoneCheckError, type Diagnostic } from './errors.js';
import { SET_HEADER, ZoneNode } from './zone-node.js';
import { SlabRRset } from './rrset.js';
import { ByteSlab, compareBytes, grow } from './bytes.js';
import { Zone } from './zone.js';
import { NodeMap, NodeTable } from './node-map.js';

const SIG_GROUP = 0x10000;

function readU32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
}

/**
 * Collects records (one at a time, copied into a byte slab and typed-array columns: no object per
 * record) and builds an immutable Zone: groups by owner and type, sorts rdata canonically, drops
 * duplicates (warning), gives each RRset its first record's TTL (warning on a mismatch, as BIND),
 * and adds the empty non-terminals.
 */
export class ZoneBuilder {
  readonly originKey: string;
  readonly diagnostics: Diagnostic[] = [];
  private nodes = new NodeTable();
  private readonly byOrd: ZoneNode[] = [];
  private readonly files: string[] = [];
  private n = 0;
  /** Owners are staged as bytes, one run per change of owner; nodes and the Map are made in finish(). */
  private readonly owners = new ByteSlab();
  private runs = 0;
  private runStart = new Uint32Array(1024);
  private runLen = new Uint16Array(1024);
  private runFirst = new Int32Array(1024);
  private ord = new Int32Array(1024);
  private type = new Uint16Array(1024);
  private ttl = new Uint32Array(1024);
  private off = new Uint32Array(1024);
  private len = new Uint16Array(1024);
  private line = new Int32Array(1024);
  private fileIx = new Uint16Array(1024);
  private readonly slab = new ByteSlab();
  /** finishNodes: each record's group (type, or SIG_GROUP + covered type for RRSIG), and a scratch list */
  private grp: Int32Array | null = null;
  private readonly scratch: number[] = [];

  constructor(readonly origin: Name, readonly file: string | null = null) {
    this.originKey = keyOf(origin);
  }

  /** Adds one record. Owners outside the origin are refused when finishing (ZoneCheckError). */
  add(name: Name, type: number, ttl: number, rdata: Uint8Array, file?: string, line = 0): void {
    this.addOwner(nameLower(name), type, ttl, rdata, file, line);
  }

  /** Adds one record by owner key (nameKey of the owner). */
  addKey(key: string, type: number, ttl: number, rdata: Uint8Array, file?: string, line = 0): void {
    this.addOwner(keyToName(key), type, ttl, rdata, file, line);
  }

  /**
   * Adds one record by owner bytes: the owner's lower-cased wire form (copied, so a scratch buffer may
   * be passed). The fast path of loading: no string and no Map operation per record.
   */
  addOwner(owner: Uint8Array, type: number, ttl: number, rdata: Uint8Array, file?: string, line = 0): void {
    const i = this.n++;
    if (i >= this.ord.length) this.growColumns(i + 1);
    if (!this.sameOwner(owner)) this.newRun(owner, i);
    this.ord[i] = this.runs - 1;
    this.type[i] = type;
    this.ttl[i] = ttl;
    this.off[i] = this.slab.push(rdata);
    this.len[i] = rdata.length;
    this.line[i] = line;
    this.fileIx[i] = this.fileIndex(file);
  }

  private sameOwner(owner: Uint8Array): boolean {
    const r = this.runs - 1;
    if (r < 0 || this.runLen[r] !== owner.length) return false;
    const b = this.owners.buf;
    const start = this.runStart[r]!;
    for (let k = 0; k < owner.length; k++) if (b[start + k] !== owner[k]) return false;
    return true;
  }

  private newRun(owner: Uint8Array, first: number): void {
    const r = this.runs++;
    if (r >= this.runStart.length) {
      this.runStart = grow(this.runStart, r + 1); this.runLen = grow(this.runLen, r + 1); this.runFirst = grow(this.runFirst, r + 1);
    }
    this.runStart[r] = this.owners.push(owner);
    this.runLen[r] = owner.length;
    this.runFirst[r] = first;
  }

  /** Turns owner runs into nodes (one pass over a node table sized for them, after parsing) and run numbers into node orders. */
  private makeNodes(): void {
    const runOrd = new Int32Array(this.runs);
    const b = this.owners.buf;
    this.nodes = new NodeTable(this.runs + (this.runs >> 2)); // sized for the owners and some ENTs: no growing
    for (let r = 0; r < this.runs; r++) {
      const key = keyOf(b.subarray(this.runStart[r]!, this.runStart[r]! + this.runLen[r]!));
      if (!isBelowKey(key, this.originKey)) {
        const i = this.runFirst[r]!;
        const text = nameToText(keyToName(key));
        const fi = this.fileIx[i]!;
        if (!this.diagnostics.some((d) => d.severity === 'error' && d.name === text)) {
          this.diagnostics.push({ severity: 'error', file: fi === 0xffff ? undefined : this.files[fi], line: this.line[i] || undefined,
            name: text, type: typeToText(this.type[i]!), message: `${text} is outside the zone ${nameToText(this.origin)}` });
        }
        continue;
      }
      const node = this.nodes.getOrAdd(key, this.byOrd.length);
      if (node.ord === this.byOrd.length) this.byOrd.push(node);
      runOrd[r] = node.ord;
    }
    if (this.diagnostics.some((d) => d.severity === 'error')) throw new ZoneCheckError(nameToText(this.origin), this.diagnostics);
    for (let i = 0; i < this.n; i++) this.ord[i] = runOrd[this.ord[i]!]!;
  }

  private fileIndex(file: string | undefined): number {
    if (file === undefined) return 0xffff;
    const last = this.files.length - 1;
    if (last >= 0 && this.files[last] === file) return last;
    const ix = this.files.indexOf(file);
    if (ix >= 0) return ix;
    this.files.push(file);
    return this.files.length - 1;
  }

  private growColumns(need: number): void {
    this.ord = grow(this.ord, need); this.type = grow(this.type, need); this.ttl = grow(this.ttl, need);
    this.off = grow(this.off, need); this.len = grow(this.len, need); this.line = grow(this.line, need);
    this.fileIx = grow(this.fileIx, need);
  }

  get recordsAdded(): number {
    return this.n;
  }

  /** Builds the Zone. Throws ZoneCheckError when the apex has no SOA or a record was refused. */
  finish(): Zone {
    const { records, nodes } = this.finishNodes();
    const nodeCount = nodes.length;
    const apex = this.addEmptyNonTerminals();
    if (!apex.get(RRType.SOA)) {
      this.diagnostics.push({ severity: 'error', name: nameToText(this.origin), type: 'SOA',
        message: `zone ${nameToText(this.origin)} has no SOA record at its apex` });
    }
    if (this.diagnostics.some((d) => d.severity === 'error')) {
      throw new ZoneCheckError(nameToText(this.origin), this.diagnostics);
    }
    return new Zone(this.origin, this.file, new NodeMap(this.nodes), apex, records, nodeCount, this.diagnostics);
  }

  /**
   * @internal The owners' nodes only (no empty non-terminals, no SOA check; patchZone). Throws
   * ZoneCheckError when a record was refused (owner outside the zone).
   */
  finishNodes(): { records: number; nodes: readonly ZoneNode[] } {
    this.makeNodes();
    const perm = this.byOwner();
    const out = new ByteSlab(this.slab.used + (2 + SET_HEADER) * this.n + 16); // never grows: RRsets keep out.buf
    const nodeCount = this.byOrd.length;
    this.grp = new Int32Array(this.n);
    let start = 0;
    let records = 0;
    for (let o = 0; o < nodeCount; o++) {
      let end = start;
      while (end < this.n && this.ord[perm[end]!] === o) end++;
      records += this.fillNode(this.byOrd[o]!, perm, start, end, out);
      start = end;
    }
    this.grp = null;
    return { records, nodes: this.byOrd };
  }

  /** Record indices grouped by owner (counting sort on ord, stable: file order kept inside an owner). */
  private byOwner(): Int32Array {
    const count = new Int32Array(this.byOrd.length + 1);
    for (let i = 0; i < this.n; i++) count[this.ord[i]! + 1]!++;
    for (let o = 1; o < count.length; o++) count[o]! += count[o - 1]!;
    const perm = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) perm[count[this.ord[i]!]!++] = i;
    return perm;
  }

  private groupOf(i: number): number {
    const t = this.type[i]!;
    if (t !== RRType.RRSIG || this.len[i]! < 2) return t;
    return SIG_GROUP + rrsigTypeCovered(this.rdataOf(i));
  }

  private rdataOf(i: number): Uint8Array {
    return this.slab.buf.subarray(this.off[i]!, this.off[i]! + this.len[i]!);
  }

  /** Writes the RRsets of records perm[start..end) (one owner) into `out`; returns how many it kept. */
  private fillNode(node: ZoneNode, perm: Int32Array, start: number, end: number, out: ByteSlab): number {
    node.isApex = node.key === this.originKey;
    node.slab = out.buf;
    node.off = out.used;
    if (end - start === 1 && this.type[perm[start]!] !== RRType.RRSIG) {
      this.writeOne(perm[start]!, out);
      node.nsets = 1;
      return 1;
    }
    // record indices of this owner by (type or signed type, file order); no object per record
    const ix = this.scratch;
    ix.length = 0;
    const grp = this.grp!;
    for (let k = start; k < end; k++) { const i = perm[k]!; grp[i] = this.groupOf(i); ix.push(i); }
    if (ix.length > 1) ix.sort((a, b) => grp[a]! - grp[b]! || a - b);
    let sigSets: SlabRRset[] | null = null;
    let kept = 0;
    for (let s = 0; s < ix.length;) {
      const g = grp[ix[s]!]!;
      let e = s + 1;
      while (e < ix.length && grp[ix[e]!] === g) e++;
      const at = out.used;
      let count = 1;
      if (e - s === 1) this.writeOne(ix[s]!, out);
      else count = this.writeSet(node, ix.slice(s, e), out);
      kept += count;
      if (g >= SIG_GROUP) {
        (sigSets ??= []).push(new SlabRRset(node, RRType.RRSIG, readU32(out.buf, at + 2), out.buf, at + SET_HEADER, count));
      } else node.nsets++;
      s = e;
    }
    if (sigSets !== null) node.sigSets = sigSets;
    return kept;
  }

  /** Header of an RRset: type, ttl, count, rdata bytes (patched by the caller when unknown yet). */
  private header(out: ByteSlab, type: number, ttl: number, count: number, bytes: number): void {
    const b = out.buf;
    let p = out.used;
    b[p++] = type >> 8; b[p++] = type & 0xff;
    b[p++] = ttl >>> 24; b[p++] = (ttl >> 16) & 0xff; b[p++] = (ttl >> 8) & 0xff; b[p++] = ttl & 0xff;
    b[p++] = count >> 8; b[p++] = count & 0xff;
    b[p++] = bytes >>> 24; b[p++] = (bytes >> 16) & 0xff; b[p++] = (bytes >> 8) & 0xff; b[p++] = bytes & 0xff;
    out.used = p;
  }

  /** An RRset of one record, copied from the staging slab without making views (the common case). */
  private writeOne(i: number, out: ByteSlab): void {
    const len = this.len[i]!;
    const from = this.off[i]!;
    const src = this.slab.buf;
    const dst = out.buf;
    this.header(out, this.type[i]!, this.ttl[i]!, 1, len + 2);
    const at = out.used;
    dst[at] = len >> 8;
    dst[at + 1] = len & 0xff;
    if (len <= 32) for (let k = 0; k < len; k++) dst[at + 2 + k] = src[from + k]!;
    else dst.set(src.subarray(from, from + len), at + 2);
    out.used = at + 2 + len;
  }

  /** Writes one RRset (records `ix`, same owner and type): canonical order, duplicates dropped. */
  private writeSet(node: ZoneNode, ix: number[], out: ByteSlab): number {
    const first = ix[0]!;
    const type = this.type[first]!;
    const ttl = this.ttl[first]!;
    let items = ix.map((i) => ({ i, rd: this.rdataOf(i), canon: this.rdataOf(i) }));
    if (items.length > 1) {
      for (const it of items) {
        it.canon = rdataCanonical(type, it.rd);
        if (this.ttl[it.i] !== ttl) this.warn(it.i, `TTL ${this.ttl[it.i]} differs from the RRset's TTL ${ttl}; using ${ttl}`, node);
      }
      items.sort((a, b) => compareBytes(a.canon, b.canon) || a.i - b.i);
      items = items.filter((it, k) => {
        if (k === 0 || compareBytes(it.canon, items[k - 1]!.canon) !== 0) return true;
        this.warn(it.i, 'duplicate record ignored', node);
        return false;
      });
    }
    if (items.length > 0xffff) throw new ZoneCheckError(nameToText(node.name), [{ severity: 'error',
      name: nameToText(node.name), type: typeToText(type), message: `more than 65535 ${typeToText(type)} records at one name` }]);
    let bytes = 0;
    for (const it of items) bytes += 2 + it.rd.length;
    this.header(out, type, ttl, items.length, bytes);
    for (const it of items) {
      out.buf[out.used++] = it.rd.length >> 8;
      out.buf[out.used++] = it.rd.length & 0xff;
      out.push(it.rd);
    }
    return items.length;
  }

  private warn(i: number, message: string, node: ZoneNode): void {
    const fi = this.fileIx[i]!;
    this.diagnostics.push({ severity: 'warning', file: fi === 0xffff ? undefined : this.files[fi],
      line: this.line[i] || undefined, name: nameToText(node.name), type: typeToText(this.type[i]!),
      message: `${nameToText(node.name)} ${typeToText(this.type[i]!)}: ${message}` });
  }

  /** Makes a node for every name between the apex and each owner; returns the apex. */
  private addEmptyNonTerminals(): ZoneNode {
    let apex = this.nodes.get(this.originKey);
    if (apex === undefined) {
      apex = new ZoneNode(this.originKey, -1);
      apex.isApex = true;
      this.nodes.add(apex);
    }
    const apexLen = this.originKey.length;
    for (const node of this.byOrd) {
      let k = node.key;
      if (k.length - k.charCodeAt(0) - 1 === apexLen) continue; // a child of the apex: nothing between
      while (k.length > apexLen) {
        k = k.slice(k.charCodeAt(0) + 1);
        const before = this.nodes.size;
        this.nodes.getOrAdd(k, -1); // an empty non-terminal when it was not there
        if (this.nodes.size === before) break;
      }
    }
    return apex;
  }
}
