import { nameFromText, nameToText } from '../wire/index.js';
import { ApiError, unprocessable } from './errors.js';

/**
 * Zone ids as PowerDNS writes them in URLs: the name with a trailing dot, characters other than
 * letters, digits, '.' and '-' as `=XX` (hex). `example.org` and `example.org.` are the same zone.
 */
export function zoneIdToName(id: string): string {
  if (id === '') throw new ApiError(400, null);
  let out = '';
  for (let i = 0; i < id.length; i++) {
    if (id[i] !== '=') { out += id[i]; continue; }
    const hex = id.slice(i + 1, i + 3);
    if (!/^[0-9A-F]{2}$/.test(hex)) throw new ApiError(400, null);
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  try {
    return nameToText(nameFromText(out.endsWith('.') ? out : `${out}.`)).toLowerCase();
  } catch {
    throw unprocessable(`Unable to parse DNS Name '${out}'`);
  }
}

export function zoneNameToId(name: string): string {
  let id = '';
  for (const ch of name) id += /[A-Za-z0-9.-]/.test(ch) ? ch : `=${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  if (!id.endsWith('.')) id += '.';
  return id === '.' ? '=2E' : id;
}

/** A name in a request body: absolute (trailing dot), parseable, PowerDNS's allowed characters. Lower-cased. */
export function apiName(text: string, allowWildcard = true): string {
  if (!text.endsWith('.')) throw unprocessable(`DNS Name '${text}' is not canonical`);
  const check = allowWildcard && text.startsWith('*.') ? text.slice(2) : text;
  if (/[^A-Za-z0-9_/.-]/.test(check)) throw unprocessable(`Name '${text}' contains unsupported characters`);
  try {
    return nameToText(nameFromText(text)).toLowerCase();
  } catch (err) {
    throw unprocessable(`Unable to parse DNS Name '${text}': ${(err as Error).message}`, err);
  }
}

/** Whether `name` is `zone` or below it (both lower-case absolute text). */
export function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}
