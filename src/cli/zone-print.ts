import { readFileSync } from 'node:fs';
import { nameFromText } from '../wire/index.js';
import type { Name } from '../wire/index.js';
import { compileZoneText, formatDiagnostic, originOfFile, printZone } from '../zone/index.js';
import type { CompileResult } from '../zone/index.js';

/** Where a zone command writes (process streams by default; tests pass their own). */
export interface ZoneCommandIo { out: (s: string) => void; err: (s: string) => void }
export const processIo: ZoneCommandIo = {
  out: (s) => { process.stdout.write(s); },
  err: (s) => { process.stderr.write(s); },
};

/** Reads and compiles FILE with --origin or the origin the file names. Exit code 2 when unreadable. */
export function compileZoneFile(file: string, originText: string | undefined, io: ZoneCommandIo):
  { origin: Name; result: CompileResult } | number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    io.err(`geodesic zone: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 2;
  }
  let origin: Name;
  try {
    origin = originText !== undefined ? nameFromText(originText.endsWith('.') ? originText : `${originText}.`) : originOfFile(file, text);
  } catch (err) {
    io.err(`geodesic zone: no usable origin for ${file} (${(err as Error).message}); pass --origin NAME\n`);
    return 2;
  }
  return { origin, result: compileZoneText(text, { origin, file }) };
}


/**
 * `geodesic zone print FILE [--origin NAME]`: the zone written back canonically on standard output.
 * Findings go to standard error; exit 1 (and nothing printed) when the zone has errors.
 */
export function zonePrintCommand(file: string, opts: { origin?: string }, io: ZoneCommandIo = processIo): number {
  const c = compileZoneFile(file, opts.origin, io);
  if (typeof c === 'number') return c;
  const { result } = c;
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (result.zone === null || result.diagnostics.some((d) => d.severity === 'error')) return 1;
  io.out(printZone(result.zone));
  return 0;
}
