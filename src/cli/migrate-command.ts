import type { Command } from 'commander';
import { pino } from 'pino';
import {
  Flag, RRType, decodeMessage, encodeMessage, nameFromText, nameToText, rdataFromText, rdataToText, tokenize,
  typeFromText, typeToText,
} from '../wire/index.js';
import type { Message } from '../wire/index.js';
import { Engine } from '../engine/index.js';
import { udpExchange } from '../xfr/index.js';
import { Catalog } from '../catalog/index.js';
import type { ZoneSpec } from '../catalog/index.js';
import { openStore } from '../store/index.js';
import type { ZoneKind } from '../store/index.js';
import { makeKey } from '../dnssec/index.js';
import { defaultConfig, parseListen } from '../config/index.js';
import { startGeo } from './geo-serve.js';
import { readPowerDns } from './migrate-source.js';
import type { PdnsData, PdnsDomain, PdnsRecord } from './migrate-source.js';
import { parseBindPrivateKey } from './migrate-keys.js';
import { STDIO } from './command-io.js';
import type { CommandIo } from './command-io.js';

const ROOT = new Uint8Array([0]);
const KINDS: Record<string, ZoneKind> = {
  NATIVE: 'native', MASTER: 'primary', PRIMARY: 'primary', SLAVE: 'secondary', SECONDARY: 'secondary',
  PRODUCER: 'producer', CONSUMER: 'consumer',
};

const fqdn = (n: string): string => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/**
 * PowerDNS content → Geodesic content: names in PowerDNS's database carry no trailing dot and are
 * absolute, so the content is parsed against the root and printed back; a priority kept in the old `prio`
 * column is put in front for MX and SRV.
 */
export function contentOf(r: PdnsRecord): string {
  const type = typeFromText(r.type!);
  let content = r.content;
  const fields = content.trim().split(/\s+/).length;
  if (r.prio !== null && r.prio > 0 && ((type === RRType.MX && fields === 1) || (type === RRType.SRV && fields === 3))) {
    content = `${r.prio} ${content}`;
  }
  return rdataToText(type, rdataFromText(type, tokenize(content), ROOT));
}

export interface MigrationReport { zones: number; records: number; comments: number; metadata: number; keys: number; tsigKeys: number; problems: string[] }

/** Copies PowerDNS's zones, records, comments, metadata, cryptokeys and TSIG keys into the catalog's store. */
export async function migrate(data: PdnsData, catalog: Catalog, zonesWanted: readonly string[] = []): Promise<MigrationReport> {
  const report: MigrationReport = { zones: 0, records: 0, comments: 0, metadata: 0, keys: 0, tsigKeys: 0, problems: [] };
  const byDomain = <T extends { domain_id: number }>(rows: readonly T[]): Map<number, T[]> => {
    const m = new Map<number, T[]>();
    for (const r of rows) m.set(r.domain_id, [...(m.get(r.domain_id) ?? []), r]);
    return m;
  };
  const records = byDomain(data.records), comments = byDomain(data.comments), meta = byDomain(data.metadata), keys = byDomain(data.cryptokeys);
  const wanted = new Set(zonesWanted.map(fqdn));
  for (const d of data.domains) {
    const name = fqdn(d.name);
    if (wanted.size > 0 && !wanted.has(name)) continue;
    try {
      const n = await migrateZone(d, name, records.get(d.id) ?? [], meta.get(d.id) ?? [], catalog);
      report.zones++;
      report.records += n.records;
      report.metadata += n.metadata;
      report.problems.push(...n.problems);
    } catch (err) {
      report.problems.push(`${name}: not migrated: ${(err as Error).message}`);
      continue;
    }
    const rows = comments.get(d.id) ?? [];
    if (rows.length > 0) {
      const groups = new Map<string, typeof rows>();
      for (const c of rows) groups.set(`${fqdn(c.name)}|${c.type}`, [...(groups.get(`${fqdn(c.name)}|${c.type}`) ?? []), c]);
      await catalog.store.write(async (q) => {
        const zone = (await q.zoneByName(name))!;
        for (const [k, list] of groups) {
          const [owner, type] = k.split('|') as [string, string];
          await q.replaceComments(zone.id, owner, typeFromText(type), list.map((c) => ({
            name: owner, type: typeFromText(type), account: c.account ?? '', content: c.comment, modifiedAt: Number(c.modified_at),
          })));
        }
      });
      report.comments += rows.length;
    }
    for (const k of keys.get(d.id) ?? []) {
      try {
        const { algorithm, key } = parseBindPrivateKey(k.content);
        const active = Boolean(k.active), published = k.published === null ? true : Boolean(k.published);
        await catalog.dnssec.addKey(name, {
          keytype: k.flags === 257 ? 'ksk' : 'zsk', active, published, author: 'migrate',
          key: makeKey(algorithm, key, { flags: k.flags, active, published }),
        });
        report.keys++;
      } catch (err) {
        report.problems.push(`${name}: a DNSSEC key was not migrated: ${(err as Error).message}`);
      }
    }
  }
  if (data.tsigkeys.length > 0) {
    await catalog.store.write(async (q) => {
      for (const t of data.tsigkeys) await q.putTsigKey({ name: fqdn(t.name), algorithm: t.algorithm, secret: t.secret });
    });
    report.tsigKeys = data.tsigkeys.length;
  }
  await catalog.settled();
  return report;
}

async function migrateZone(d: PdnsDomain, name: string, rows: readonly PdnsRecord[], meta: PdnsData['metadata'],
  catalog: Catalog): Promise<{ records: number; metadata: number; problems: string[] }> {
  const problems: string[] = [];
  const records: NonNullable<ZoneSpec['records']>[number][] = [];
  for (const r of rows) {
    if (r.type === null || r.type === '') continue; // empty non-terminal rows written by rectify
    try {
      records.push({ name: fqdn(r.name), type: r.type, ttl: Number(r.ttl), content: contentOf(r), disabled: Boolean(r.disabled) });
    } catch (err) {
      problems.push(`${name}: ${r.name} ${r.type} "${r.content}" skipped: ${(err as Error).message}`);
    }
  }
  const kinds = new Map<string, string[]>();
  for (const m of meta) kinds.set(m.kind, [...(kinds.get(m.kind) ?? []), m.content]);
  const soaEdit = kinds.get('SOA-EDIT-API')?.[0];
  await catalog.createZone({
    name, kind: KINDS[d.type.toUpperCase()] ?? 'native', account: d.account ?? '',
    primaries: (d.master ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    ...(soaEdit !== undefined && soaEdit !== '' ? { serialPolicy: soaEdit } : {}),
    records,
  }, 'migrate');
  if (kinds.size > 0) {
    await catalog.store.write(async (q) => {
      const zone = (await q.zoneByName(name))!;
      for (const [kind, contents] of kinds) await q.setMetadata(zone.id, kind, contents);
    });
  }
  return { records: records.length, metadata: meta.length, problems };
}

/** The (name, type) pairs to compare: every RRset, LUA records under the type they answer, ALIAS left out. */
export function questionsOf(data: PdnsData, zones: ReadonlySet<number>): Array<{ name: string; type: number }> {
  const seen = new Set<string>();
  const out: Array<{ name: string; type: number }> = [];
  for (const r of data.records) {
    if (!zones.has(r.domain_id) || r.type === null || r.type === '' || Boolean(r.disabled)) continue;
    let type = r.type.toUpperCase();
    if (type === 'ALIAS') continue;
    if (type === 'LUA') type = r.content.trim().split(/\s+/)[0]!.toUpperCase();
    const key = `${fqdn(r.name)}|${type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: fqdn(r.name), type: typeFromText(type) });
  }
  return out;
}

function queryBytes(name: string, type: number, id: number): Uint8Array {
  const msg: Message = {
    id, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type, class: 1 }], answers: [], authority: [],
    additional: [], edns: { udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0, options: [] }, tsig: null,
  };
  return encodeMessage(msg);
}

/**
 * What is compared of an answer: rcode, AA and the answer section as sorted presentation lines. SOA serials
 * are left out: PowerDNS may serve another serial than it stores (SOA-EDIT), and importing DNSSEC keys
 * raises Geodesic's.
 */
export function answerText(m: Message): string {
  const text = (type: number, rdata: Uint8Array): string => {
    const t = rdataToText(type, rdata);
    return type === RRType.SOA ? t.split(' ').map((f, i) => (i === 2 ? '(serial)' : f)).join(' ') : t;
  };
  const lines = m.answers.map((rr) => `${nameToText(rr.name).toLowerCase()} ${rr.ttl} ${typeToText(rr.type)} ${text(rr.type, rr.rdata)}`).sort();
  return [`rcode ${m.rcode}${(m.flags & Flag.AA) !== 0 ? ' aa' : ''}`, ...lines].join('\n');
}

/** Asks PowerDNS (over UDP) and an in-process engine over the migrated zones the same questions. */
export async function compareAnswers(questions: ReadonlyArray<{ name: string; type: number }>, engine: Engine,
  pdns: { host: string; port: number }): Promise<string[]> {
  const diffs: string[] = [];
  let id = 1;
  const client = { transport: 'udp' as const, address: new Uint8Array([127, 0, 0, 1]), port: 53 };
  for (const q of questions) {
    const bytes = queryBytes(q.name, q.type, id++ & 0xffff);
    const theirs = answerText(decodeMessage(await udpExchange(pdns, bytes, 3000)));
    const n = engine.answer(bytes, bytes.length, client);
    const ours = answerText(decodeMessage(engine.output.slice(0, n)));
    if (theirs !== ours) diffs.push(`${q.name} ${typeToText(q.type)}\n  PowerDNS:\n    ${theirs.split('\n').join('\n    ')}\n  Geodesic:\n    ${ours.split('\n').join('\n    ')}`);
  }
  return diffs;
}

interface MigrateFlags { db: string; data?: string; store?: string; zone?: string[]; compare?: string }

export function registerMigrateCommand(program: Command, io: CommandIo = STDIO): void {
  const migrateCmd = program.command('migrate').description('move to Geodesic from another DNS server');
  migrateCmd.command('powerdns')
    .description("copy a PowerDNS database (gsqlite3, gmysql or gpgsql) into Geodesic's store: zones, records (LUA and ALIAS too), " +
      'comments, metadata, DNSSEC keys and TSIG keys; then, with --compare, ask PowerDNS and Geodesic every name and type and report each difference')
    .requiredOption('--db <url>', "PowerDNS's database: sqlite:/var/lib/powerdns/pdns.sqlite3, mysql://user:pass@host/pdns or postgres://user@host/pdns (only read)")
    .option('--data <dir>', "Geodesic's store: a folder for its SQLite file (as serve --data)")
    .option('--store <url>', "Geodesic's store on PostgreSQL or MariaDB (as serve --db)")
    .option('--zone <name...>', 'migrate only these zones')
    .option('--compare <addr:port>', 'the running PowerDNS server to compare answers with, e.g. 127.0.0.1:53')
    .action(async (flags: MigrateFlags) => {
      try {
        if ((flags.data === undefined) === (flags.store === undefined)) throw new Error("say where Geodesic's store is: --data DIR or --store URL");
        const data = await readPowerDns(flags.db);
        const where = flags.store !== undefined ? { db: flags.store } : { data: flags.data! };
        const catalog = await Catalog.open(await openStore(where), { pollMs: 0 });
        let failed = false;
        try {
          const r = await migrate(data, catalog, flags.zone ?? []);
          io.out(`migrated ${r.zones} zone(s): ${r.records} records, ${r.comments} comments, ${r.metadata} metadata items, ` +
            `${r.keys} DNSSEC keys, ${r.tsigKeys} TSIG keys\n`);
          for (const p of r.problems) io.err(`  ${p}\n`);
          failed = r.problems.length > 0;
          if (flags.compare !== undefined) {
            const target = parseListen(flags.compare, '--compare');
            const geo = await startGeo({ ...defaultConfig().geo, luaRecords: true }, pino({ level: 'silent' }));
            const engine = new Engine({ geo, serveAlias: true });
            engine.setZones(catalog.zones);
            const wanted = new Set(flags.zone?.map(fqdn) ?? []);
            const ids = new Set(data.domains.filter((d) => wanted.size === 0 || wanted.has(fqdn(d.name))).map((d) => d.id));
            const questions = questionsOf(data, ids);
            const diffs = await compareAnswers(questions, engine, target);
            await geo.close();
            io.out(`compared ${questions.length} names and types with PowerDNS at ${flags.compare}: ${diffs.length === 0 ? 'no difference' : `${diffs.length} difference(s)`}\n`);
            for (const d of diffs) io.out(`${d}\n`);
            if (diffs.length > 0) failed = true;
          }
        } finally {
          await catalog.close();
        }
        if (failed) process.exitCode = 1;
      } catch (err) {
        io.err(`geodesic migrate powerdns: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
