import type { Command } from 'commander';
import { nameToText } from '../wire/index.js';
import { formatDiagnostic } from '../zone/index.js';
import { compileZoneFile, processIo, zonePrintCommand, type ZoneCommandIo } from './zone-print.js';

/**
 * `geodesic zone check FILE [--origin NAME]`: named-checkzone's report (one line per finding, then
 * `zone NAME: loaded serial N` and OK). Exit 0 when loadable (warnings allowed), 1 on errors, 2 on usage.
 */
export function zoneCheckCommand(file: string, opts: { origin?: string }, io: ZoneCommandIo = processIo): number {
  const c = compileZoneFile(file, opts.origin, io);
  if (typeof c === 'number') return c;
  const { origin, result } = c;
  const name = nameToText(origin);
  for (const d of result.diagnostics) io.out((d.file === undefined ? `zone ${name}: ` : '') + formatDiagnostic(d) + '\n');
  if (result.zone === null || result.diagnostics.some((d) => d.severity === 'error')) {
    io.out(`zone ${name}: not loaded due to errors.\n`);
    return 1;
  }
  io.out(`zone ${name}: loaded serial ${result.zone.serial} (${result.zone.recordCount} records)\nOK\n`);
  return 0;
}

/** Adds `zone check` and `zone print` under a `zone` command (made here unless the program has one). */
export function registerZoneCommands(program: Command): void {
  const zone = program.commands.find((c) => c.name() === 'zone') ??
    program.command('zone').description('check and print zone files (RFC 1035 master format)');
  zone.command('check')
    .description('check a zone file as named-checkzone does; exits non-zero on errors')
    .argument('<file>', 'zone file (its origin: --origin, a leading $ORIGIN, or the file name NAME.zone)')
    .option('-o, --origin <name>', 'zone origin')
    .action((file: string, flags: { origin?: string }) => { process.exitCode = zoneCheckCommand(file, flags); });
  zone.command('print')
    .description('print a zone file canonically: $ORIGIN, SOA first, absolute names, one record a line')
    .argument('<file>', 'zone file')
    .option('-o, --origin <name>', 'zone origin')
    .action((file: string, flags: { origin?: string }) => { process.exitCode = zonePrintCommand(file, flags); });
}
