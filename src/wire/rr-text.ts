import { syntaxError } from './errors.js';
import type { Name } from './name.js';
import { nameFromText, nameToText } from './name.js';
import { rdataFromText, rdataToText } from './rdata.js';
import { tokenize } from './token.js';
import { classFromText, classToText, isClassText, isTypeText, ttlFromText, typeFromText, typeToText } from './type-text.js';
import type { Rr } from './message-types.js';
import { RRClass } from './constants.js';

/** 'owner.<TAB>TTL<TAB>IN<TAB>TYPE<TAB>rdata', like dig's answer lines. */
export function rrToText(rr: Rr): string {
  return `${nameToText(rr.name)}\t${rr.ttl}\t${classToText(rr.class)}\t${typeToText(rr.type)}\t${rdataToText(rr.type, rr.rdata)}`;
}

const DEFAULT_TTL = 3600;
/** An empty origin: relative names in rdata are then an error. */
const NO_ORIGIN: Name = new Uint8Array(0);

/** One record in zone-file syntax on one line: owner [ttl] [class] type rdata (TTL/class in either order). */
export function rrFromText(line: string, origin?: Name, defaultTtl?: number): Rr {
  const toks = tokenize(line);
  const owner = toks[0];
  if (!owner) throw syntaxError('empty record line');
  const name = nameFromText(owner.text, origin);
  let ttl: number | undefined;
  let klass: number | undefined;
  let i = 1;
  for (; i < toks.length && i <= 2; i++) {
    const t = toks[i]!.text;
    if (ttl === undefined && /^\d/.test(t)) ttl = ttlFromText(t);
    else if (klass === undefined && isClassText(t) && !isTypeText(t)) klass = classFromText(t);
    else break;
  }
  const typeTok = toks[i];
  if (!typeTok) throw syntaxError(`"${line}": no record type`);
  const type = typeFromText(typeTok.text);
  const rdata = rdataFromText(type, toks.slice(i + 1), origin ?? NO_ORIGIN);
  return { name, type, class: klass ?? RRClass.IN, ttl: ttl ?? defaultTtl ?? DEFAULT_TTL, rdata };
}
