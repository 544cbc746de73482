import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { backupStore, openStore, restoreStore } from '../store/index.js';
import type { BackupSummary, StoreLocation } from '../store/index.js';
import { storeImportCommand, storeStatusCommand } from './store-commands.js';

export interface StoreFlags { data?: string; db?: string }

/** The store a command's flags name (default: ./data, the SQLite store of `serve`). */
export function storeLocation(flags: StoreFlags): StoreLocation {
  return flags.db !== undefined ? { db: flags.db } : { data: flags.data ?? 'data' };
}

const total = (s: BackupSummary): string => Object.entries(s.rows).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ');

/** `geodesic backup FILE`: one consistent snapshot (zones, records, journal, keys, users, settings), served on. */
export async function backupCommand(file: string, flags: StoreFlags): Promise<number> {
  const store = await openStore(storeLocation(flags));
  const tmp = `${file}.partial`;
  try {
    const out = createWriteStream(tmp);
    const sink: Writable = file.endsWith('.gz') ? createGzip() : out;
    if (sink !== out) sink.pipe(out);
    const summary = await backupStore(store, async (line) => {
      if (!sink.write(`${line}\n`)) await once(sink, 'drain');
    });
    sink.end();
    await once(out, 'close');
    renameSync(tmp, file);
    process.stdout.write(`backup ${file}: ${total(summary)}\n`);
    return 0;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    await store.close();
  }
}

/** `geodesic restore FILE`: into an empty store (or, with --force, replacing everything). */
export async function restoreCommand(file: string, flags: StoreFlags & { force?: boolean }): Promise<number> {
  const store = await openStore(storeLocation(flags));
  try {
    let input: Readable = createReadStream(file);
    if (file.endsWith('.gz')) input = input.pipe(createGunzip());
    const summary = await restoreStore(store, createInterface({ input, crlfDelay: Infinity }), { force: flags.force === true });
    process.stdout.write(`restored ${file}: ${total(summary)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function storeOptions(c: Command): Command {
  return c.option('--data <dir>', 'SQLite store in this folder (default ./data)')
    .option('--db <url>', 'PostgreSQL or MariaDB/MySQL store: postgres://user@host/db, mysql://user:pass@host/db');
}

const report = (p: Promise<number>): Promise<void> => p.then((code) => { process.exitCode = code; }, (err: Error & { code?: string }) => {
  process.stderr.write(`geodesic: ${err.message}${err.code !== undefined ? ` (${err.code})` : ''}\n`);
  process.exitCode = 1;
});

/** Registers `backup`, `restore`, `store status` and `store import`. */
export function registerStoreCommands(program: Command): void {
  storeOptions(program.command('backup')
    .description('write a consistent snapshot of the store (zones, journal, keys, users, settings) to FILE (.gz: compressed) while serving')
    .argument('<file>', 'backup file (JSON lines; FILE.gz for gzip)'))
    .action((file: string, flags: StoreFlags) => report(backupCommand(file, flags)));
  storeOptions(program.command('restore')
    .description('restore a backup into the store (refused when it holds zones, unless --force)')
    .argument('<file>', 'backup file written by geodesic backup')
    .option('--force', 'replace everything in the store'))
    .action((file: string, flags: StoreFlags & { force?: boolean }) => report(restoreCommand(file, flags)));
  const store = program.commands.find((c) => c.name() === 'store') ?? program.command('store').description('the zone store (SQLite, PostgreSQL, MariaDB)');
  storeOptions(store.command('status').description('schema, read-only state, zones and change counter of the store'))
    .action((flags: StoreFlags) => report(storeStatusCommand(storeLocation(flags))));
  storeOptions(store.command('import')
    .description('create a zone in the store from a zone file')
    .argument('<file>', 'zone file (RFC 1035 master format)')
    .option('-o, --origin <name>', 'zone origin (default: $ORIGIN or the file name)')
    .option('--serial-policy <policy>', 'increment, date or epoch (PowerDNS SOA-EDIT-API values accepted)', 'increment'))
    .action((file: string, flags: StoreFlags & { origin?: string; serialPolicy: string }) =>
      report(storeImportCommand(file, storeLocation(flags), flags)));
}
