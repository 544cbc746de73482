import { readEscape, pushUtf8 } from './name.js';
import { syntaxError } from './errors.js';

/** A presentation-format token. `text` is RAW (escapes not processed); quoted = it stood in quotes. */
export interface Token {
  text: string;
  quoted: boolean;
}

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Splits one line into tokens: whitespace separated, "quoted strings", ';' starts a comment. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    if (c === 59) break;
    if (c === 34) {
      let j = i + 1;
      while (j < line.length && line.charCodeAt(j) !== 34) j += line.charCodeAt(j) === 92 ? 2 : 1;
      if (j >= line.length) throw syntaxError(`unterminated quoted string in "${line}"`);
      out.push({ text: line.slice(i + 1, j), quoted: true });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < line.length) {
      const d = line.charCodeAt(j);
      if (isSpace(d) || d === 59) break;
      if (d === 34 && j > i && line.charCodeAt(j - 1) === 61) {
        // key="value" (SVCB): the quoted part belongs to this token
        let k = j + 1;
        while (k < line.length && line.charCodeAt(k) !== 34) k += line.charCodeAt(k) === 92 ? 2 : 1;
        j = Math.min(k + 1, line.length);
        continue;
      }
      j += d === 92 ? 2 : 1;
    }
    j = Math.min(j, line.length);
    out.push({ text: line.slice(i, j), quoted: false });
    i = j;
  }
  return out;
}

/** Decodes a raw token (escapes processed, non-ASCII as UTF-8) into bytes. */
export function textBytes(raw: string, what: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < raw.length;) {
    const c = raw.charCodeAt(i);
    if (c === 92) i = readEscape(raw, i, out, what);
    else {
      const cp = raw.codePointAt(i)!;
      pushUtf8(out, cp);
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return out;
}

/** Bytes as a quoted character-string the way dig prints TXT: \" \\ escaped, others outside 0x20-0x7e as \DDD. */
export function quoteBytes(b: Uint8Array, start: number, end: number): string {
  let s = '"';
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0x22 || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + String(c).padStart(3, '0');
  }
  return s + '"';
}
