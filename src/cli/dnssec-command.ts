import type { Command } from 'commander';
import { RRType, nameFromText, nameToText, rdataToText } from '../wire/index.js';
import {
  DnssecError, SEP_FLAGS, ZSK_FLAGS, algorithmOf, dnskeyRdata, dsRdata, generateKey, isSep, keyRecord, keysOf,
  newZoneKeyFile, readZoneKeys, signOptionsOf, signZone, writeZoneKeys, zoneKeyPath,
} from '../dnssec/index.js';
import type { DnssecKey, ZoneKeyFile } from '../dnssec/index.js';
import { formatDiagnostic, printZone } from '../zone/index.js';
import { AppError } from '../lib/index.js';
import { compileZoneFile, processIo } from './zone-print.js';
import { storeDnssec } from './dnssec-store-command.js';
import type { DnssecStoreFlags } from './dnssec-store-command.js';
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

/** Runs a store command, turning a known error (AppError) into a message and exit code 1. */
function storeGuarded(run: () => Promise<number>): void {
  run().then((code) => { process.exitCode = code; }, (err: unknown) => {
    if (!(err instanceof AppError)) throw err;
    processIo.err(`geodesic dnssec: ${err.message}\n`);
    process.exitCode = 1;
  });
}

type Flags = DnssecStoreFlags & { keys?: string };

/** Registers `geodesic dnssec enable|disable|keys|ds|rollover|ds-seen|sign`. */
export function registerDnssecCommands(program: Command): void {
  const d = program.command('dnssec')
    .description('DNSSEC keys and signing: keys in the store (--data DIR, --db URL or --config FILE), or in a keys folder (--keys DIR) for zone files');
  const keysOpt = '--keys <dir>';
  const keysHelp = 'keys folder for zone files (one ZONE.json per zone, mode 0600); without it the store\'s keys';
  const storeOpts = (c: Command): Command => c
    .option('--data <dir>', 'the SQLite store (default ./data)')
    .option('--db <url>', 'a PostgreSQL or MariaDB store')
    .option('-c, --config <file>', 'take the store and dnssec.secret-file from this configuration')
    .option('--secret-file <file>', 'the secret the store\'s private keys are encrypted with');
  storeOpts(d.command('enable').description('sign ZONE: makes a CSK (ECDSA P-256 unless --algorithm) if it has no key, prints the DS')
    .argument('<zone>').option(keysOpt, keysHelp)
    .option('-a, --algorithm <alg>', '13/ECDSAP256SHA256 (default), 14/ECDSAP384SHA384, 15/ED25519, 8/RSASHA256')
    .option('--nsec', 'NSEC instead of NSEC3 (NSEC lets anyone list the zone)')
    .option('--opt-out', 'NSEC3 opt-out: insecure delegations get no NSEC3 (keys folder only)')
    .option('--split', 'a KSK and a ZSK instead of one CSK (keys folder only)'))
    .action((zone: string, f: EnableFlags & Flags) => {
      if (f.keys !== undefined) process.exitCode = guarded(processIo, () => dnssecEnable(zone, f as EnableFlags));
      else storeGuarded(() => storeDnssec.enable(absolute(zone), f, processIo));
    });
  storeOpts(d.command('disable').description('stop signing ZONE: store zones ask the parent to drop the DS (CDS delete) and lose their keys once it has (--now: at once); folder zones keep their keys')
    .argument('<zone>').option(keysOpt, keysHelp)
    .option('--now', 'store: delete the keys at once (only when the parent has no DS)'))
    .action((zone: string, f: Flags & { now?: boolean }) => {
      if (f.keys !== undefined) process.exitCode = guarded(processIo, () => dnssecDisable(zone, { keys: f.keys! }));
      else storeGuarded(() => storeDnssec.disable(absolute(zone), f, processIo));
    });
  storeOpts(d.command('keys').description("list ZONE's keys, their states and DNSKEY records, and a running rollover")
    .argument('<zone>').option(keysOpt, keysHelp))
    .action((zone: string, f: Flags) => {
      if (f.keys !== undefined) process.exitCode = guarded(processIo, () => dnssecKeys(zone, { keys: f.keys! }));
      else storeGuarded(() => storeDnssec.keys(absolute(zone), f, processIo));
    });
  storeOpts(d.command('ds').description('print the DS records to give the registrar (SHA-256 and SHA-384)')
    .argument('<zone>').option(keysOpt, keysHelp)
    .option('--digest <list>', 'digest types, comma separated: 2 (SHA-256), 4 (SHA-384)', '2,4'))
    .action((zone: string, f: Flags & { digest?: string }) => {
      if (f.keys !== undefined) process.exitCode = guarded(processIo, () => dnssecDs(zone, { keys: f.keys!, digest: f.digest }));
      else storeGuarded(() => storeDnssec.ds(absolute(zone), f, processIo));
    });
  storeOpts(d.command('rollover').description('start a key rollover of a store zone: zsk (pre-publish), ksk or csk (CDS/CDNSKEY, waits for the parent\'s DS); --algorithm for an algorithm rollover')
    .argument('<zone>').argument('[kind]', 'zsk, ksk or csk', 'csk')
    .option('-a, --algorithm <alg>', 'the new key\'s algorithm (default: the old key\'s)'))
    .action((zone: string, kind: string, f: Flags & { algorithm?: string }) => { storeGuarded(() => storeDnssec.rollover(absolute(zone), kind, f, processIo)); });
  storeOpts(d.command('ds-seen').description('confirm by hand that the parent publishes the new DS (when its servers cannot be asked)')
    .argument('<zone>'))
    .action((zone: string, f: Flags) => { storeGuarded(() => storeDnssec.dsSeen(absolute(zone), f, processIo)); });
  d.command('sign').description('print a zone file signed with the folder\'s keys (what serve would answer from)')
    .argument('<file>').requiredOption(keysOpt, keysHelp)
    .option('-o, --origin <name>', 'zone origin')
    .option('--now <seconds>', 'signing time, seconds since the epoch (default: now)')
    .action((file: string, f: { keys: string; origin?: string; now?: string }) => { process.exitCode = guarded(processIo, () => dnssecSign(file, f)); });
}
