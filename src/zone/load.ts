import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { RRClass, nameFromText, nameToText } from '../wire/index.js';
import type { Name, Rr } from '../wire/index.js';
import { ZoneCheckError, ZoneFileError, type Diagnostic } from './errors.js';
import { ZoneLexer } from './lexer.js';
import { parseZone, type ParseOptions } from './parser.js';
import { ZoneBuilder } from './zone-builder.js';
import { checkZone } from './check.js';
import type { Zone } from './zone.js';

/** Parses master-file text into records (tests, imports). For big files use parseZone (streaming). */
export function parseZoneText(text: string, opts: ParseOptions): Rr[] {
  const out: Rr[] = [];
  parseZone(text, { ...opts, keysOnly: false }, (_owner, name, type, ttl, rdata) => out.push({ name: name!, type, class: RRClass.IN, ttl, rdata }));
  return out;
}

/** A Zone from records (store, API, transfers): sorts, deduplicates, groups. Throws ZoneCheckError without SOA. */
export function buildZone(origin: Name, rrs: Iterable<Rr>, file?: string): Zone {
  const b = new ZoneBuilder(origin, file ?? null);
  for (const rr of rrs) b.add(rr.name, rr.type, rr.ttl, rr.rdata);
  return b.finish();
}

export interface CompileResult { zone: Zone | null; diagnostics: Diagnostic[] }

/**
 * Parses, builds and checks a zone without throwing: syntax errors, load errors and check findings all
 * come back as diagnostics (`geodesic zone check`). `zone` is null when the zone could not be built.
 */
export function compileZoneText(text: string, opts: ParseOptions): CompileResult {
  const b = new ZoneBuilder(opts.origin, opts.file ?? null);
  try {
    parseZone(text, { ...opts, keysOnly: true }, (owner, _name, type, ttl, rdata, file, line) => b.addOwner(owner, type, ttl, rdata, file, line),
      (d) => b.diagnostics.push(d));
  } catch (err) {
    if (!(err instanceof ZoneFileError)) throw err;
    return { zone: null, diagnostics: [...b.diagnostics, { severity: 'error', file: err.file, line: err.line, column: err.column, message: err.reason }] };
  }
  try {
    const zone = b.finish();
    return { zone, diagnostics: checkZone(zone) };
  } catch (err) {
    if (!(err instanceof ZoneCheckError)) throw err;
    return { zone: null, diagnostics: [...err.diagnostics] };
  }
}

/** The origin a zone file names: a leading absolute $ORIGIN, else the file name without `.zone`. */
export function originOfFile(path: string, text: string): Name {
  const first = new ZoneLexer(text, path).next();
  const t = first?.tokens;
  if (t && t[0]!.text.toUpperCase() === '$ORIGIN' && t[1]?.text.endsWith('.')) return nameFromText(t[1].text);
  const base = basename(path).replace(/\.zone$/i, '');
  return nameFromText(base.endsWith('.') ? base : base + '.');
}

/**
 * Reads, parses, builds and checks a zone file (synchronously). Throws ZoneFileError for syntax
 * (file:line:column: reason) and ZoneCheckError when the check finds errors; warnings stay readable
 * with `checkZone(zone)` / `zone.diagnostics`.
 */
export function loadZoneFile(path: string, opts: { origin?: Name; defaultTtl?: number } = {}): Zone {
  const text = readFileSync(path, 'utf8');
  const origin = opts.origin ?? originOfFile(path, text);
  const b = new ZoneBuilder(origin, path);
  parseZone(text, { origin, file: path, defaultTtl: opts.defaultTtl, keysOnly: true },
    (owner, _name, type, ttl, rdata, file, line) => b.addOwner(owner, type, ttl, rdata, file, line), (d) => b.diagnostics.push(d));
  const zone = b.finish();
  const diags = checkZone(zone);
  if (diags.some((d) => d.severity === 'error')) throw new ZoneCheckError(nameToText(origin), diags);
  return zone;
}
