import type { Command } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import { RRType, nameFromText, nameToText, rdataToText, typeToText } from '../wire/index.js';
import type { Rr } from '../wire/index.js';
import { loadZoneFile } from '../zone/index.js';
import type { Zone } from '../zone/index.js';
import type { RRsetEdit } from '../catalog/index.js';
import { scopeFromJson } from '../api/index.js';
import type { Scope } from '../api/index.js';
import { apiBackend, storeBackend } from './admin-backend.js';
import type { AdminBackend, RRsetView } from './admin-backend.js';
import { STDIO } from './command-io.js';
import type { CommandIo } from './command-io.js';

interface Where { api?: string; apiKey?: string; data?: string; db?: string }

const WHERE_HELP = `
Where it works: with --api URL (and --api-key, or $GEODESIC_API_URL / $GEODESIC_API_KEY) it talks to a
running server's HTTP API, as a script would; otherwise with --data DIR or --db URL it opens the zone store
directly (a running server on the same store sees the change within 2 s).`;

function addWhere(c: Command): Command {
  return c
    .option('--api <url>', "a running server's API, e.g. http://127.0.0.1:8081 (default $GEODESIC_API_URL)")
    .option('--api-key <key>', 'the API key (default $GEODESIC_API_KEY)')
    .option('--data <dir>', 'the zone store: the folder of its SQLite file')
    .option('--db <url>', 'the zone store on PostgreSQL or MariaDB: postgres://... or mysql://...')
    .addHelpText('after', WHERE_HELP);
}

async function backendFor(w: Where, env: NodeJS.ProcessEnv = process.env): Promise<AdminBackend> {
  const api = w.api ?? env['GEODESIC_API_URL'];
  if (api !== undefined && api !== '') {
    const key = w.apiKey ?? env['GEODESIC_API_KEY'];
    if (key === undefined || key === '') throw new Error('--api needs --api-key (or $GEODESIC_API_KEY)');
    return apiBackend(api, key);
  }
  if (w.data !== undefined || w.db !== undefined) return storeBackend(w.db !== undefined ? { db: w.db } : { data: w.data! });
  throw new Error('say where the zones are: --api URL (a running server) or --data DIR / --db URL (the store)');
}

const fq = (n: string): string => (n.endsWith('.') ? n : `${n}.`).toLowerCase();
const rrsetId = (s: { name: string; type: string }): string => `${fq(s.name)}|${s.type.toUpperCase()}`;

/** RRsets of a parsed zone, as the API shows them (SOA first). */
export function zoneRRsets(zone: Zone): RRsetView[] {
  const out: RRsetView[] = [];
  for (const s of zone.records()) {
    if (s.type === RRType.RRSIG || s.type === RRType.NSEC || s.type === RRType.NSEC3) continue;
    out.push({ name: nameToText(s.name).toLowerCase(), type: typeToText(s.type), ttl: s.ttl, records: s.rdata.map((rd) => ({ content: rdataToText(s.type, rd), disabled: false })) });
  }
  return out;
}

export interface ZoneDiff { added: RRsetView[]; changed: Array<{ from: RRsetView; to: RRsetView }>; removed: RRsetView[] }

/** What changes when `next` replaces `current` (RRset by RRset; SOA serials are left to the store). */
export function diffRRsets(current: readonly RRsetView[], next: readonly RRsetView[]): ZoneDiff {
  const key = (s: RRsetView): string => `${s.ttl} ${s.records.map((r) => `${r.disabled ? '!' : ''}${r.content}`).sort().join('\n')}`;
  const cur = new Map(current.map((s) => [rrsetId(s), s]));
  const d: ZoneDiff = { added: [], changed: [], removed: [] };
  for (const s of next) {
    const c = cur.get(rrsetId(s));
    cur.delete(rrsetId(s));
    if (c === undefined) d.added.push(s);
    else if (s.type !== 'SOA' && key(c) !== key(s)) d.changed.push({ from: c, to: s });
  }
  d.removed = [...cur.values()].filter((s) => s.type !== 'SOA');
  return d;
}

function diffText(d: ZoneDiff, limit = 40): string {
  const lines: string[] = [];
  const rec = (sign: string, s: RRsetView): void => { for (const r of s.records) lines.push(`${sign} ${s.name} ${s.ttl} ${s.type} ${r.content}`); };
  for (const s of d.removed) rec('-', s);
  for (const c of d.changed) { rec('-', c.from); rec('+', c.to); }
  for (const s of d.added) rec('+', s);
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`... and ${lines.length - limit} more lines`);
  return `${shown.join('\n')}${shown.length > 0 ? '\n' : ''}${d.added.length} RRset(s) added, ${d.changed.length} changed, ${d.removed.length} removed\n`;
}

/** The edits that turn the current zone into the new one. */
export function diffEdits(d: ZoneDiff): RRsetEdit[] {
  return [
    ...d.removed.map((s): RRsetEdit => ({ name: s.name, type: s.type, changetype: 'DELETE' })),
    ...[...d.added, ...d.changed.map((c) => c.to)].map((s): RRsetEdit => ({ name: s.name, type: s.type, changetype: 'REPLACE', ttl: s.ttl, records: s.records })),
  ];
}

/** Zone files to import: one file, or every *.zone in a folder (origin from the file name). */
function zoneFiles(path: string, origin?: string): Array<{ file: string; origin?: string }> {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const files = readdirSync(path).filter((f) => f.endsWith('.zone')).sort();
    if (files.length === 0) throw new Error(`${path}: no NAME.zone files in this folder`);
    return files.map((f) => ({ file: join(path, f), origin: fq(basename(f, '.zone')) }));
  }
  // Without --origin: the file's leading $ORIGIN, else its name (NAME.zone).
  return [{ file: path, ...(origin !== undefined ? { origin: fq(origin) } : {}) }];
}

async function confirm(question: string, yes: boolean, io: CommandIo): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    io.err('not writing: pass --yes to write without a question (standard input is not a terminal)\n');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function run(io: CommandIo, name: string, fn: () => Promise<void>): Promise<void> {
  return fn().catch((err: unknown) => {
    io.err(`geodesic ${name}: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}

async function withBackend(w: Where, fn: (b: AdminBackend) => Promise<void>): Promise<void> {
  const b = await backendFor(w);
  try {
    await fn(b);
  } finally {
    await b.close();
  }
}

function parseScopeFlag(text: string | undefined): Scope[] | null {
  if (text === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`--scope: not JSON: ${text} (e.g. '{"names":["_acme-challenge.*"],"types":["TXT"]}')`);
  }
  return (Array.isArray(v) ? v : [v]).map((s, i) => scopeFromJson({ readOnly: false, ...(s as object) }, `--scope[${i}]`));
}

/** Registers `geodesic zone create|list|show|delete|import|export|diff`, `record add|set|delete`, `key create|list|revoke`. */
export function registerZoneAdminCommands(program: Command, io: CommandIo = STDIO): void {
  const zone = program.commands.find((c) => c.name() === 'zone') ?? program.command('zone');
  zone.description('zones: check and print zone files; create, list, show, delete, import, export and diff served zones');

  addWhere(zone.command('list').description('the zones, with kind and serial')).action((w: Where) => run(io, 'zone list', () => withBackend(w, async (b) => {
    const zones = await b.listZones();
    for (const z of zones) io.out(`${z.name.padEnd(40)} ${z.kind.padEnd(10)} ${z.serial}\n`);
    if (zones.length === 0) io.err(`no zones in ${b.where}\n`);
  })));

  addWhere(zone.command('show').description("a zone's RRsets, one record a line (disabled records marked)").argument('<zone>'))
    .action((name: string, w: Where) => run(io, 'zone show', () => withBackend(w, async (b) => {
      const sets = await b.rrsets(name);
      if (sets === null) throw new Error(`no zone ${fq(name)} in ${b.where}`);
      for (const s of sets) for (const r of s.records) io.out(`${r.disabled ? '; disabled: ' : ''}${s.name} ${s.ttl} ${s.type} ${r.content}\n`);
    })));

  addWhere(zone.command('create').description('a new zone with an SOA and NS records').argument('<zone>'))
    .requiredOption('--ns <name...>', 'its nameservers, e.g. ns1.example.com. ns2.example.com.')
    .option('--hostmaster <email-name>', 'the SOA mailbox (default hostmaster.ZONE)')
    .option('--kind <kind>', 'native (default) or primary', 'native')
    .action((name: string, f: Where & { ns: string[]; hostmaster?: string; kind: string }) => run(io, 'zone create', () => withBackend(w(f), async (b) => {
      const z = fq(name);
      const ns = f.ns.map(fq);
      await b.createZone({
        name: z, kind: f.kind === 'primary' ? 'primary' : 'native', records: [
          { name: z, type: 'SOA', ttl: 3600, content: `${ns[0]} ${fq(f.hostmaster ?? `hostmaster.${z}`)} 1 10800 3600 604800 3600` },
          ...ns.map((n) => ({ name: z, type: 'NS', ttl: 3600, content: n })),
        ],
      });
      io.out(`created ${z} in ${b.where}\n`);
    })));

  addWhere(zone.command('delete').description('delete a zone and its records (asks first)').argument('<zone>'))
    .option('-y, --yes', 'do not ask')
    .action((name: string, f: Where & { yes?: boolean }) => run(io, 'zone delete', () => withBackend(w(f), async (b) => {
      if (await b.rrsets(name) === null) throw new Error(`no zone ${fq(name)} in ${b.where}`);
      if (!await confirm(`Delete ${fq(name)} and all its records from ${b.where}?`, f.yes === true, io)) { process.exitCode = 1; return; }
      await b.deleteZone(name);
      io.out(`deleted ${fq(name)}\n`);
    })));

  addWhere(zone.command('export').description('a zone as a zone file, on standard output').argument('<zone>'))
    .action((name: string, w: Where) => run(io, 'zone export', () => withBackend(w, async (b) => { io.out(await b.exportZone(name)); })));

  const importLike = (cmd: string, write: boolean): void => {
    const c = addWhere(zone.command(cmd)
      .description(write
        ? 'import zone files: a file, or every NAME.zone of a folder; shows what changes and asks before writing (a zone that exists is changed RRset by RRset)'
        : 'what importing these zone files would change, without writing')
      .argument('<file-or-folder>')
      .option('-o, --origin <name>', "the zone's name when the file does not say it"));
    if (write) c.option('-y, --yes', 'write without asking (scripts)');
    c.action((path: string, f: Where & { origin?: string; yes?: boolean }) => run(io, `zone ${cmd}`, () => withBackend(w(f), async (b) => {
      const files = zoneFiles(path, f.origin);
      const bar = process.stderr.isTTY && io === STDIO ? new cliProgress.SingleBar({ format: '{bar} {value}/{total} zone files | {file}', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
      bar?.start(files.length, 0, { file: '' });
      const plans: Array<{ origin: string; zone: Zone; current: RRsetView[] | null; diff: ZoneDiff }> = [];
      try {
        for (const { file, origin: given } of files) {
          bar?.update({ file: basename(file) });
          const parsed = loadZoneFile(file, given !== undefined ? { origin: nameFromText(given) } : {});
          const origin = nameToText(parsed.origin).toLowerCase();
          const next = zoneRRsets(parsed);
          const current = await b.rrsets(origin);
          plans.push({ origin, zone: parsed, current, diff: diffRRsets(current ?? [], next) });
          bar?.increment();
        }
      } finally {
        bar?.stop();
      }
      for (const p of plans) io.out(`${p.origin}${p.current === null ? ' (new zone)' : ''}:\n${diffText(p.diff)}`);
      const todo = plans.filter((p) => p.current === null || p.diff.added.length + p.diff.changed.length + p.diff.removed.length > 0);
      if (!write || todo.length === 0) { if (write) io.out('nothing to write\n'); return; }
      if (!await confirm(`Write ${todo.length} zone(s) to ${b.where}?`, f.yes === true, io)) { process.exitCode = 1; return; }
      for (const p of todo) {
        if (p.current === null) {
          await b.importZone(p.origin, zoneRecords(p.zone), () => ({ name: p.origin, records: zoneRRsets(p.zone).flatMap((s) => s.records.map((r) => ({ name: s.name, type: s.type, ttl: s.ttl, content: r.content }))) }));
        } else {
          const edits = diffEdits(p.diff);
          for (let i = 0; i < edits.length; i += 5000) await b.patch(p.origin, edits.slice(i, i + 5000));
        }
        io.out(`wrote ${p.origin}\n`);
      }
    })));
  };
  importLike('import', true);
  importLike('diff', false);

  const record = program.command('record').description("change one zone's records");
  const recordCmd = (name: string, description: string, changetype: 'EXTEND' | 'REPLACE' | 'DELETE'): void => {
    addWhere(record.command(name).description(description).argument('<zone>').argument('<name>', 'owner name, absolute (www.example.com.) or relative to the zone (www, @)')
      .argument('<type>').argument(changetype === 'DELETE' ? '[content...]' : '<content...>', 'record content in zone-file form, e.g. 192.0.2.1 or "10 mail.example.com."'))
      .option('--ttl <seconds>', 'TTL', '3600')
      .action((zoneName: string, owner: string, type: string, content: string[], f: Where & { ttl: string }) => run(io, `record ${name}`, () => withBackend(w(f), async (b) => {
        const z = fq(zoneName);
        const n = owner === '@' ? z : owner.endsWith('.') ? owner.toLowerCase() : `${owner.toLowerCase()}.${z}`;
        const ttl = Number(f.ttl);
        if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`--ttl: expected seconds, got ${f.ttl}`);
        const text = content.join(' ');
        const edit: RRsetEdit = changetype === 'DELETE'
          ? (text === '' ? { name: n, type: type.toUpperCase(), changetype: 'DELETE' } : { name: n, type: type.toUpperCase(), changetype: 'PRUNE', records: [{ content: text }] })
          : { name: n, type: type.toUpperCase(), changetype, ttl, records: changetype === 'REPLACE' ? content.map((c) => ({ content: c })) : [{ content: text }] };
        await b.patch(z, [edit]);
        io.out(`${name === 'add' ? 'added to' : name === 'set' ? 'set' : 'deleted from'} ${n} ${type.toUpperCase()} in ${z}\n`);
      })));
  };
  recordCmd('add', 'add one record to an RRset (kept if already there)', 'EXTEND');
  recordCmd('set', 'replace an RRset: each content argument is one record', 'REPLACE');
  recordCmd('delete', 'delete an RRset, or only the record whose content is given', 'DELETE');

  const key = program.command('key').description('API keys (X-API-Key) and TSIG keys (zone transfers, DNS UPDATE)');
  addWhere(key.command('create').description('a new API key (shown once), or with --tsig a TSIG key').argument('<name>'))
    .option('--tsig', 'a TSIG key instead of an API key')
    .option('--algorithm <alg>', 'TSIG algorithm', 'hmac-sha256')
    .option('--scope <json>', 'what the key may touch: {"zones":[...],"names":[...],"types":[...],"readOnly":false} or a list of them (default: everything)')
    .action((name: string, f: Where & { tsig?: boolean; algorithm: string; scope?: string }) => run(io, 'key create', () => withBackend(w(f), async (b) => {
      const scopes = parseScopeFlag(f.scope);
      if (f.tsig === true) {
        const secret = randomBytes(32).toString('base64');
        await b.tsigKeys().create(name, f.algorithm, secret, scopes);
        io.out(`TSIG key ${fq(name)} (${f.algorithm}): ${secret}\nnsupdate: -y ${f.algorithm}:${fq(name)}:${secret}\n`);
      } else {
        const r = await b.apiKeys().create(name, scopes ?? [{ readOnly: false }]);
        io.out(`API key ${r.id} "${name}": ${r.key}\n(shown once: Geodesic keeps only its hash)\n`);
      }
    })));
  addWhere(key.command('list').description('API keys (never the keys) and TSIG keys (never the secrets)'))
    .action((w: Where) => run(io, 'key list', () => withBackend(w, async (b) => {
      for (const k of await b.apiKeys().list()) io.out(`api  ${String(k.id).padEnd(5)} ${k.name.padEnd(24)} ${k.hint}…  ${JSON.stringify(k.scopes)}\n`);
      for (const k of await b.tsigKeys().list()) io.out(`tsig ${k.name.padEnd(30)} ${k.algorithm.padEnd(12)} ${k.scopes === null ? 'unrestricted' : JSON.stringify(k.scopes)}\n`);
    })));
  addWhere(key.command('revoke').description('revoke an API key (by id) or, with --tsig, a TSIG key (by name), at once').argument('<id-or-name>'))
    .option('--tsig', 'a TSIG key')
    .action((id: string, f: Where & { tsig?: boolean }) => run(io, 'key revoke', () => withBackend(w(f), async (b) => {
      const ok = f.tsig === true ? await b.tsigKeys().revoke(id) : await b.apiKeys().revoke(Number(id));
      if (!ok) throw new Error(`no ${f.tsig === true ? 'TSIG' : 'API'} key ${id}`);
      io.out(`revoked ${f.tsig === true ? 'TSIG key' : 'API key'} ${id}\n`);
    })));
}

function w(f: Where): Where {
  return { ...(f.api !== undefined ? { api: f.api } : {}), ...(f.apiKey !== undefined ? { apiKey: f.apiKey } : {}), ...(f.data !== undefined ? { data: f.data } : {}), ...(f.db !== undefined ? { db: f.db } : {}) };
}

function* zoneRecords(zone: Zone): Iterable<Rr> {
  for (const s of zone.records()) for (const rd of s.rdata) yield { name: s.name, type: s.type, class: 1, ttl: s.ttl, rdata: rd };
}
