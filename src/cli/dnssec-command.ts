import type { Command } from 'commander';
import { RRType, nameFromText, nameToText, rdataToText } from '../wire/index.js';
import {
  DnssecError, SEP_FLAGS, ZSK_FLAGS, algorithmOf, dnskeyRdata, dsRdata, generateKey, isSep, keyRecord, keysOf,
  newZoneKeyFile, readZoneKeys, signOptionsOf, signZone, writeZoneKeys, zoneKeyPath,
} from '../dnssec/index.js';
import type { DnssecKey, ZoneKeyFile } from '../dnssec/index.js';
import { formatDiagnostic, printZone } from '../zone/index.js';
import { compileZoneFile, processIo } from './zone-print.js';
import type { ZoneCommandIo } from './zone-print.js';

function absolute(zone: string): string {
  return zone.endsWith('.') ? zone.toLowerCase() : `${zone.toLowerCase()}.`;
}

export interface EnableFlags { keys: string; algorithm?: string; nsec?: boolean; optOut?: boolean; split?: boolean }

/** `geodesic dnssec enable ZONE --keys DIR`: turns signing on; makes a CSK (or KSK+ZSK) when there is no key. */
export function dnssecEnable(zone: string, flags: EnableFlags, io: ZoneCommandIo = processIo): number {
  const file: ZoneKeyFile = readZoneKeys(flags.keys, zone) ?? newZoneKeyFile(absolute(zone));
  file.enabled = true;
  if (flags.nsec) file.denial = 'nsec';
  if (flags.optOut) file.nsec3.optOut = true;
  if (file.keys.length === 0) {
    const alg = algorithmOf(flags.algorithm ?? '13').number;
    file.keys.push(keyRecord(generateKey(alg, { flags: SEP_FLAGS })));
    if (flags.split) file.keys.push(keyRecord(generateKey(alg, { flags: ZSK_FLAGS })));
  }
  writeZoneKeys(flags.keys, file);
  io.out(`DNSSEC enabled for ${file.zone} (${file.denial}); keys in ${zoneKeyPath(flags.keys, zone)}\n`);
  io.out('Give your registrar this DS (geodesic dnssec ds):\n');
  return dnssecDs(zone, { keys: flags.keys }, io);
}

/** `geodesic dnssec disable ZONE --keys DIR`: signing off; the keys stay in the folder. */
export function dnssecDisable(zone: string, flags: { keys: string }, io: ZoneCommandIo = processIo): number {
  const file = readZoneKeys(flags.keys, zone);
  if (file === null) { io.err(`geodesic dnssec: no keys for ${absolute(zone)} in ${flags.keys}\n`); return 1; }
  file.enabled = false;
  writeZoneKeys(flags.keys, file);
  io.out(`DNSSEC disabled for ${file.zone}; remove the DS at your registrar first and wait its TTL, or validators fail the zone\n`);
  return 0;
}

function roleOf(k: DnssecKey, all: readonly DnssecKey[]): string {
  if (!isSep(k)) return 'ZSK';
  return all.some((o) => !isSep(o) && o.active) ? 'KSK' : 'CSK';
}

/** `geodesic dnssec keys ZONE --keys DIR`: each key's tag, role, algorithm, state and DNSKEY record. */
export function dnssecKeys(zone: string, flags: { keys: string }, io: ZoneCommandIo = processIo): number {
  const file = readZoneKeys(flags.keys, zone);
  if (file === null) { io.err(`geodesic dnssec: no keys for ${absolute(zone)} in ${flags.keys}\n`); return 1; }
  const keys = keysOf(file);
  io.out(`${file.zone} DNSSEC ${file.enabled ? 'enabled' : 'disabled'}, ${file.denial}` +
    `${file.denial === 'nsec3' ? ` (iterations ${file.nsec3.iterations}, salt ${file.nsec3.salt || '-'}${file.nsec3.optOut ? ', opt-out' : ''})` : ''}\n`);
  keys.forEach((k, i) => {
    const state = [k.active ? 'active' : 'inactive', k.published ? 'published' : 'unpublished'].join(' ');
    io.out(`key ${k.keyTag} ${roleOf(k, keys)} ${algorithmOf(k.algorithm).mnemonic} ${state} created ${file.keys[i]!.created}\n`);
    io.out(`${file.zone} IN DNSKEY ${rdataToText(RRType.DNSKEY, dnskeyRdata(k))}\n`);
  });
  return 0;
}

/** `geodesic dnssec ds ZONE --keys DIR`: the DS records (SHA-256 and SHA-384) to give the registrar. */
export function dnssecDs(zone: string, flags: { keys: string; digest?: string }, io: ZoneCommandIo = processIo): number {
  const file = readZoneKeys(flags.keys, zone);
  if (file === null) { io.err(`geodesic dnssec: no keys for ${absolute(zone)} in ${flags.keys}\n`); return 1; }
  const owner = nameFromText(file.zone);
  const digests = (flags.digest ?? '2,4').split(',').map(Number);
  for (const k of keysOf(file).filter((x) => isSep(x) && (x.active || x.published))) {
    for (const d of digests) io.out(`${file.zone} IN DS ${rdataToText(RRType.DS, dsRdata(owner, dnskeyRdata(k), d))}\n`);
  }
  return 0;
}

/** `geodesic dnssec sign FILE --keys DIR`: the zone file signed with the folder's keys, on standard output. */
export function dnssecSign(file: string, flags: { keys: string; origin?: string; now?: string }, io: ZoneCommandIo = processIo): number {
  const c = compileZoneFile(file, flags.origin, io);
  if (typeof c === 'number') return c;
  const { result } = c;
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (result.zone === null || result.diagnostics.some((d) => d.severity === 'error')) return 1;
  const keyFile = readZoneKeys(flags.keys, nameToText(result.zone.origin));
  if (keyFile === null) { io.err(`geodesic dnssec: no keys for this zone in ${flags.keys} (run geodesic dnssec enable)\n`); return 1; }
  const now = flags.now !== undefined ? Number(flags.now) : undefined;
  io.out(printZone(signZone(result.zone, keysOf(keyFile), signOptionsOf(keyFile, now))));
  return 0;
}

/** Runs a command, turning DnssecError into a message and exit code 1. */
function guarded(io: ZoneCommandIo, fn: () => number): number {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof DnssecError)) throw err;
    io.err(`geodesic dnssec: ${err.message}\n`);
    return 1;
  }
}

/** Registers `geodesic dnssec enable|disable|keys|ds|sign`. */
export function registerDnssecCommands(program: Command): void {
  const d = program.command('dnssec')
    .description('DNSSEC keys and signing (keys live in a folder, --keys DIR, until the store holds them)');
  const keysOpt = '--keys <dir>';
  const keysHelp = 'keys folder (one ZONE.json per zone, mode 0600)';
  d.command('enable').description('sign ZONE: makes a CSK (ECDSA P-256 unless --algorithm) if it has no key, prints the DS')
    .argument('<zone>').requiredOption(keysOpt, keysHelp)
    .option('-a, --algorithm <alg>', '13/ECDSAP256SHA256 (default), 14/ECDSAP384SHA384, 15/ED25519, 8/RSASHA256')
    .option('--nsec', 'NSEC instead of NSEC3 (NSEC lets anyone list the zone)')
    .option('--opt-out', 'NSEC3 opt-out: insecure delegations get no NSEC3 (big delegation-only zones)')
    .option('--split', 'a KSK and a ZSK instead of one CSK')
    .action((zone: string, f: EnableFlags) => { process.exitCode = guarded(processIo, () => dnssecEnable(zone, f)); });
  d.command('disable').description('stop signing ZONE (keys are kept); remove the DS at the registrar first')
    .argument('<zone>').requiredOption(keysOpt, keysHelp)
    .action((zone: string, f: { keys: string }) => { process.exitCode = guarded(processIo, () => dnssecDisable(zone, f)); });
  d.command('keys').description("list ZONE's keys and their DNSKEY records")
    .argument('<zone>').requiredOption(keysOpt, keysHelp)
    .action((zone: string, f: { keys: string }) => { process.exitCode = guarded(processIo, () => dnssecKeys(zone, f)); });
  d.command('ds').description('print the DS records to give the registrar (SHA-256 and SHA-384)')
    .argument('<zone>').requiredOption(keysOpt, keysHelp)
    .option('--digest <list>', 'digest types, comma separated: 2 (SHA-256), 4 (SHA-384)', '2,4')
    .action((zone: string, f: { keys: string; digest?: string }) => { process.exitCode = guarded(processIo, () => dnssecDs(zone, f)); });
  d.command('sign').description('print a zone file signed with the folder\'s keys (what serve would answer from)')
    .argument('<file>').requiredOption(keysOpt, keysHelp)
    .option('-o, --origin <name>', 'zone origin')
    .option('--now <seconds>', 'signing time, seconds since the epoch (default: now)')
    .action((file: string, f: { keys: string; origin?: string; now?: string }) => { process.exitCode = guarded(processIo, () => dnssecSign(file, f)); });
}
