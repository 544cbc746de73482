import { RRType } from './constants.js';
import { badRdata, syntaxError, WireError } from './errors.js';
import { hexDecode, hexEncode } from './encoding.js';
import type { Name } from './name.js';
import { nameLower } from './name.js';
import type { Token } from './token.js';
import { parseUint, typeToText } from './type-text.js';
import type { ParseCtx, TypeDescriptor } from './rrtypes/field.js';
import { readU16, readU32 } from './rrtypes/field.js';
import { descriptorOf } from './rrtypes/descriptors.js';
import { bitmapTypes, typeBitmapHas } from './rrtypes/bitmap.js';

export { typeBitmapHas };

function genericFromText(type: number, tokens: readonly Token[]): Uint8Array {
  const what = `${typeToText(type)} \\# rdata`;
  const lenTok = tokens[1];
  const len = lenTok ? parseUint(lenTok.text, 65535) : undefined;
  if (len === undefined) throw syntaxError(`${what}: "${lenTok?.text ?? ''}" is not a length 0-65535`);
  const data = hexDecode(tokens.slice(2).map((t) => t.text).join(''), what);
  if (data.length !== len) throw syntaxError(`${what}: length ${len} but ${data.length} octets of hex`);
  if (len > 0 && descriptorOf(type)) {
    try {
      rdataValidate(type, data);
    } catch (e) {
      throw syntaxError(`${what}: not valid ${typeToText(type)} data (${(e as Error).message})`);
    }
  }
  return data;
}

/** Presentation tokens -> uncompressed wire rdata (RFC 3597 '\# len hex' accepted for every type). */
export function rdataFromText(type: number, tokens: readonly Token[], origin: Name): Uint8Array {
  if (tokens[0] && !tokens[0].quoted && tokens[0].text === '\\#') return genericFromText(type, tokens);
  const d = descriptorOf(type);
  if (!d) throw syntaxError(`${typeToText(type)}: unknown type, rdata must be written as \\# length hex`);
  const ctx: ParseCtx = { tokens, i: 0, origin, typeName: d.name };
  const out: number[] = [];
  for (const f of d.fields) f.kind.fromText(ctx, `${d.name} ${f.label}`, out);
  if (ctx.i < tokens.length) throw syntaxError(`${d.name}: unexpected "${tokens[ctx.i]!.text}" after the last field`);
  if (out.length > 65535) throw syntaxError(`${d.name}: rdata longer than 65535 octets`);
  return Uint8Array.from(out);
}

/** Offsets of each field's start, plus the end: [f0, f1, ..., end]. Throws BAD_RDATA. */
export function fieldOffsets(d: TypeDescriptor, rdata: Uint8Array): number[] {
  const offs: number[] = [];
  let off = 0;
  for (const f of d.fields) {
    offs.push(off);
    off = f.kind.end(rdata, off, rdata.length, `${d.name} ${f.label}`);
  }
  if (off !== rdata.length) throw badRdata(`${d.name}: ${rdata.length - off} octets after the last field`);
  offs.push(off);
  return offs;
}

/** Throws WireError(BAD_RDATA) when rdata is malformed for the type (unknown types: always valid). */
export function rdataValidate(type: number, rdata: Uint8Array): void {
  const d = descriptorOf(type);
  if (d) fieldOffsets(d, rdata);
}

function genericText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${hexEncode(rdata)}`;
}

/** Rdata as dig prints it (malformed data of a known type falls back to '\# len hex'). */
export function rdataToText(type: number, rdata: Uint8Array): string {
  const d = descriptorOf(type);
  if (!d) return genericText(rdata);
  let offs: number[];
  try {
    offs = fieldOffsets(d, rdata);
  } catch (e) {
    if (e instanceof WireError) return genericText(rdata);
    throw e;
  }
  const parts: string[] = [];
  d.fields.forEach((f, i) => {
    const s = f.kind.toText(rdata, offs[i]!, offs[i + 1]!);
    if (s !== '') parts.push(s);
  });
  return parts.join(' ');
}

/** RFC 4034 §6.2 canonical rdata: embedded names lower-cased for the listed types. */
export function rdataCanonical(type: number, rdata: Uint8Array): Uint8Array {
  const d = descriptorOf(type);
  if (!d || !d.lowerNames) return rdata;
  const offs = fieldOffsets(d, rdata);
  let out = rdata;
  d.fields.forEach((f, i) => {
    if (!f.kind.name) return;
    const n = rdata.subarray(offs[i]!, offs[i + 1]!);
    const l = nameLower(n);
    if (l === n) return;
    if (out === rdata) out = Uint8Array.prototype.slice.call(rdata); // a copy, also of a Buffer
    out.set(l, offs[i]!);
  });
  return out;
}

/** The domain names inside rdata, in order, as subarrays of rdata. */
export function rdataNames(type: number, rdata: Uint8Array): Name[] {
  const d = descriptorOf(type);
  if (!d) return [];
  const offs = fieldOffsets(d, rdata);
  const names: Name[] = [];
  d.fields.forEach((f, i) => {
    if (f.kind.name) names.push(rdata.subarray(offs[i]!, offs[i + 1]!));
  });
  return names;
}

function soaTail(rdata: Uint8Array): number {
  const offs = fieldOffsets(descriptorOf(RRType.SOA)!, rdata);
  return offs[2]!;
}

export function soaSerial(rdata: Uint8Array): number {
  return readU32(rdata, soaTail(rdata));
}

export function soaMinimum(rdata: Uint8Array): number {
  return readU32(rdata, soaTail(rdata) + 16);
}

export function rrsigTypeCovered(rdata: Uint8Array): number {
  if (rdata.length < 2) throw badRdata('RRSIG: rdata too short');
  return readU16(rdata, 0);
}

export function nsecTypes(rdata: Uint8Array): number[] {
  const offs = fieldOffsets(descriptorOf(RRType.NSEC)!, rdata);
  return bitmapTypes(rdata, offs[1]!);
}

export function nsec3Types(rdata: Uint8Array): number[] {
  const offs = fieldOffsets(descriptorOf(RRType.NSEC3)!, rdata);
  return bitmapTypes(rdata, offs[5]!);
}
