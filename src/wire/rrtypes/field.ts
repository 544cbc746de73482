import { syntaxError, badRdata } from '../errors.js';
import type { Name } from '../name.js';
import type { Token } from '../token.js';

/** State of one presentation parse: the tokens, the next one to read, the origin. */
export interface ParseCtx {
  readonly tokens: readonly Token[];
  i: number;
  readonly origin: Name;
  readonly typeName: string;
}

/**
 * One kind of rdata field (u16, name, base64...). Descriptors list fields by kind; the generic engine
 * in ../rdata.ts derives wire validation, text in/out, canonical form and embedded names from them.
 */
export interface FieldKind {
  /** Reads the field's token(s) at ctx.i, appends its wire bytes to out, advances ctx.i. */
  fromText(ctx: ParseCtx, what: string, out: number[]): void;
  /** Offset just after the field starting at off (uncompressed rdata bounded by end); throws BAD_RDATA. */
  end(rdata: Uint8Array, off: number, end: number, what: string): number;
  /** Presentation text of the field occupying rdata[off, end). */
  toText(rdata: Uint8Array, off: number, end: number): string;
  /** True when the field takes everything that is left (tokens and bytes). */
  readonly rest?: boolean;
  /** Set for domain-name fields: 'compress' where RFC 3597 §4 allows compression on output. */
  readonly name?: 'compress' | 'plain';
}

export interface Field {
  readonly kind: FieldKind;
  readonly label: string;
}

export interface TypeDescriptor {
  readonly type: number;
  readonly name: string;
  readonly fields: readonly Field[];
  /** RFC 4034 §6.2 (as amended by RFC 6840): embedded names are lower-cased in canonical form. */
  readonly lowerNames: boolean;
}

export function nextToken(ctx: ParseCtx, what: string): Token {
  const t = ctx.tokens[ctx.i];
  if (!t) throw syntaxError(`${what}: missing`);
  ctx.i++;
  return t;
}

/** All remaining tokens (at least one). */
export function restTokens(ctx: ParseCtx, what: string): Token[] {
  if (ctx.i >= ctx.tokens.length) throw syntaxError(`${what}: missing`);
  const r = ctx.tokens.slice(ctx.i);
  ctx.i = ctx.tokens.length;
  return r;
}

export function need(rdata: Uint8Array, off: number, n: number, end: number, what: string): number {
  if (off + n > end || off + n > rdata.length) throw badRdata(`${what}: rdata too short`);
  return off + n;
}

export function pushU16(out: number[], v: number): void {
  out.push(v >> 8, v & 255);
}

export function pushU32(out: number[], v: number): void {
  out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

export function readU16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

export function readU32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function pushBytes(out: number[], b: ArrayLike<number>): void {
  for (let i = 0; i < b.length; i++) out.push(b[i]!);
}
