import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { Command } from 'commander';
import { GeoIp, addressFromText, compileRule, declarativeRule, explainRule, luaContentCode, networkFromText, validateRule } from '../geo/index.js';
import type { GeoRule, HealthOf } from '../geo/index.js';
import type { TargetView } from '../health/index.js';
import { addApiClientOptions, apiCall, apiTarget } from './api-client.js';
import type { ApiClientFlags, ApiTarget } from './api-client.js';
import {
  EdnsOptionCode, Flag, decodeClientSubnet, decodeMessage, encodeClientSubnet, encodeMessage, nameFromText,
  rdataToText, typeFromText, typeToText,
} from '../wire/index.js';
import type { Message } from '../wire/index.js';
import { VANTAGES, vantageOf } from './geo-vantage.js';
import type { Vantage } from './geo-vantage.js';

export interface WhatifRow {
  vantage: string;
  network: string;
  rcode: number;
  answers: string[];
  /** ECS scope prefix returned, null when the response had no ECS option. */
  scope: number | null;
  error?: string;
  /** --explain: the declarative rule's decision for this vantage point, and why. */
  rule?: string;
}

/** Asks `server` NAME/TYPE once per vantage point, with its network as EDNS Client Subnet. */
export async function whatif(server: { host: string; port: number }, name: string, type: string,
  vantages: readonly Vantage[], timeoutMs = 2000): Promise<WhatifRow[]> {
  const qtype = typeFromText(type);
  return Promise.all(vantages.map(async (v, i): Promise<WhatifRow> => {
    const row: WhatifRow = { vantage: v.name, network: v.network, rcode: -1, answers: [], scope: null };
    try {
      const n = networkFromText(v.network);
      const q = encodeMessage({
        id: (0x4000 + i) & 0xffff, flags: Flag.RD, opcode: 0, rcode: 0,
        questions: [{ name: nameFromText(name.endsWith('.') ? name : `${name}.`), type: qtype, class: 1 }],
        answers: [], authority: [], additional: [], tsig: null,
        edns: {
          udpSize: 1232, extRcode: 0, version: 0, do: false, flags: 0,
          options: [{ code: EdnsOptionCode.CLIENT_SUBNET, data: encodeClientSubnet({ family: n.address.length === 4 ? 1 : 2, sourcePrefix: n.prefix, scopePrefix: 0, address: n.address }) }],
        },
      });
      const m = await exchange(server, q, timeoutMs);
      row.rcode = m.rcode;
      row.answers = m.answers.map((r) => `${typeToText(r.type)} ${rdataToText(r.type, r.rdata)}`);
      const ecs = m.edns?.options.find((o) => o.code === EdnsOptionCode.CLIENT_SUBNET);
      row.scope = ecs === undefined ? null : decodeClientSubnet(ecs.data).scopePrefix;
    } catch (err) {
      row.error = (err as Error).message;
    }
    return row;
  }));
}

function exchange(server: { host: string; port: number }, q: Uint8Array, timeoutMs: number): Promise<Message> {
  return new Promise((resolve, reject) => {
    const s = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error(`no answer in ${timeoutMs} ms`)); }, timeoutMs);
    s.on('error', (err) => { clearTimeout(timer); s.close(); reject(err); });
    s.on('message', (b) => {
      if (b.length < 2 || b[0] !== q[0] || b[1] !== q[1]) return;
      clearTimeout(timer);
      s.close();
      try { resolve(decodeMessage(new Uint8Array(b))); } catch (err) { reject(err as Error); }
    });
    s.send(q, server.port, server.host);
  });
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/** The rows as an aligned table (with a `rule` column when explained). */
export function formatWhatif(rows: readonly WhatifRow[]): string {
  const explained = rows.some((r) => r.rule !== undefined);
  const cells = rows.map((r) => [r.vantage, r.network,
    r.error !== undefined ? `error: ${r.error}` : r.answers.length > 0 ? r.answers.join(', ') : RCODES[r.rcode] ?? `rcode ${r.rcode}`,
    r.scope === null ? '-' : `/${r.scope}`, ...(explained ? [r.rule ?? '-'] : [])]);
  const head = ['vantage', 'client network (ECS)', 'answer', 'scope', ...(explained ? ['rule'] : [])];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [head, ...cells].map((c) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(width[i]!))).join('  ')).join('\n');
}

/** The declarative rules of NAME's LUA records of this type, read through the API (zone found by walking up). */
export async function rulesOf(api: ApiTarget, name: string, type: string): Promise<GeoRule[]> {
  const fqdn = name.endsWith('.') ? name : `${name}.`;
  const labels = fqdn.split('.').filter((l) => l !== '');
  for (let i = 0; i < labels.length; i++) {
    const zone = `${labels.slice(i).join('.')}.`;
    let z: { rrsets: Array<{ name: string; type: string; records: Array<{ content: string; disabled?: boolean }> }> };
    try {
      z = await apiCall(api, 'GET', `/api/v1/servers/localhost/zones/${encodeURIComponent(zone)}?rrset_name=${encodeURIComponent(fqdn)}&rrset_type=LUA`);
    } catch (err) {
      if (/: 404 /.test((err as Error).message) || /: 422 /.test((err as Error).message)) continue;
      throw err;
    }
    const rules: GeoRule[] = [];
    for (const set of z.rrsets) {
      if (set.name.toLowerCase() !== fqdn.toLowerCase() || set.type !== 'LUA') continue;
      for (const r of set.records) {
        if (r.disabled === true) continue;
        const c = luaContentCode(r.content);
        if (c === null || c.type !== type.toUpperCase()) continue;
        const rule = declarativeRule(c.code);
        if (rule !== null) rules.push(rule);
      }
    }
    return rules;
  }
  throw new Error(`no zone on ${api.url} holds ${fqdn}`);
}

/** Endpoint health as the server sees it (GET .../health): effective state of the target with the endpoint's name. */
export async function healthFromApi(api: ApiTarget): Promise<HealthOf> {
  const h = await apiCall<{ targets: TargetView[]; overrides: Array<{ name: string; override: string }> }>(api, 'GET', '/api/v1/servers/localhost/health');
  return (spec, names) => {
    const o = h.overrides.find((x) => names.includes(x.name));
    if (o !== undefined) return o.override === 'drain' ? 0 : 1;
    if (spec === null) return 1;
    const t = h.targets.find((x) => names.some((n) => x.names.includes(n)) && x.spec.kind === spec.check.kind);
    return t === undefined ? -1 : t.effective === 'up' ? 1 : t.effective === 'down' ? 0 : -1;
  };
}

/** Fills each row's `rule`: the decision of NAME's declarative records for the vantage network. */
export function explainRows(rows: WhatifRow[], rules: readonly GeoRule[], geo: GeoIp, health: HealthOf, name: string): void {
  for (const row of rows) {
    if (rules.length === 0) { row.rule = 'not a declarative geo record'; continue; }
    try {
      const n = networkFromText(row.network);
      const family = n.address.length === 4 ? 1 : 2;
      row.rule = rules.map((rule) => {
        const o = explainRule(rule, {
          qname: nameFromText(name.endsWith('.') ? name : `${name}.`), qtype: 1, zone: nameFromText('.'), zoneId: 0,
          recordOwner: nameFromText(name.endsWith('.') ? name : `${name}.`), who: addressFromText(family === 1 ? '127.0.0.1' : '::1'),
          whoPort: 0, localwho: null, ecs: { family, sourcePrefix: n.prefix, scopePrefix: 0, address: n.address }, dnssecOk: false, tcp: false,
          ednsSize: 1232, id: 0, flags: 0,
        }, geo, health);
        const r = Array.isArray(o.result) ? o.result.join(' ') : o.result;
        return `${r === '' ? '(no answer)' : r} ← ${o.why}`;
      }).join(' | ');
    } catch (err) {
      row.rule = `error: ${(err as Error).message}`;
    }
  }
}

/** A zone-file line for a declarative record: `NAME TTL IN LUA TYPE "..."` (quotes and backslashes escaped). */
export function zoneLine(name: string, ttl: number, rule: unknown): string {
  const r = validateRule(rule);
  const type = r.endpoints[0]!.address.includes(':') ? 'AAAA' : 'A';
  return `${name} ${ttl} IN LUA ${type} "${compileRule(r).replace(/(["\\])/g, '\\$1')}"`;
}

/** `geodesic geo whatif NAME [--from IP|CIDR|CITY ...] [--explain --api URL]`. */
export function registerGeoCommands(program: Command): void {
  const geo = program.command('geo').description('GeoDNS tools');
  geo.command('compile')
    .description('turn a declarative geo rule (JSON, docs/geo.md) into a LUA record line for a zone file')
    .argument('<file>', 'the rule as JSON; - for standard input')
    .option('-n, --name <name>', 'owner name of the record', '@')
    .option('--ttl <seconds>', 'TTL of the record', '60')
    .action((file: string, flags: { name: string; ttl: string }) => {
      try {
        const text = readFileSync(file === '-' ? 0 : file, 'utf8');
        let rule: unknown;
        try { rule = JSON.parse(text); } catch (err) { throw new Error(`${file} is not JSON: ${(err as Error).message}`); }
        process.stdout.write(`${zoneLine(flags.name, Number(flags.ttl), rule)}\n`);
      } catch (err) {
        process.stderr.write(`geodesic geo compile: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  const cmd = geo.command('whatif')
    .description('ask the running server what each vantage point gets for NAME (EDNS Client Subnet), with the scope returned')
    .argument('<name>', 'the name to ask for')
    .option('-t, --type <type>', 'record type', 'A')
    .option('-f, --from <ip|cidr|city...>', 'vantage points (default: about 20 cities around the world)')
    .option('-s, --server <host:port>', 'the server to ask', '127.0.0.1:5300')
    .option('--timeout <ms>', 'per query', '2000')
    .option('--json', 'print JSON rows')
    .option('--explain', "also show which rule of a declarative geo record decided and why (record and endpoint states read through --api; GeoIP from --geoip-db)")
    .option('--geoip-db <file...>', 'GeoIP databases for --explain (the server\'s; default: the bundled CC0 country database)');
  addApiClientOptions(cmd);
  cmd.action(async (name: string, flags: ApiClientFlags & { type: string; from?: string[]; server: string; timeout: string; json?: boolean; explain?: boolean; geoipDb?: string[] }) => {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(flags.server);
      if (m === null) {
        process.stderr.write(`geodesic geo whatif: --server "${flags.server}" is not HOST:PORT\n`);
        process.exit(2);
      }
      const vantages: Vantage[] = [];
      for (const f of flags.from ?? []) {
        const v = vantageOf(f);
        if (v === undefined) {
          process.stderr.write(`geodesic geo whatif: --from "${f}" is not an address, a network or a known city (${VANTAGES.map((x) => x.name.split(',')[0]).join(', ')})\n`);
          process.exit(2);
        }
        vantages.push(v);
      }
      const rows = await whatif({ host: m[1]!, port: Number(m[2]) }, name, flags.type,
        vantages.length > 0 ? vantages : VANTAGES, Number(flags.timeout));
      if (flags.explain === true) {
        try {
          const api = apiTarget(flags);
          const [rules, health] = await Promise.all([rulesOf(api, name, flags.type), healthFromApi(api)]);
          const geoip = new GeoIp({ files: flags.geoipDb ?? [] });
          try { explainRows(rows, rules, geoip, health, name); } finally { geoip.close(); }
        } catch (err) {
          process.stderr.write(`geodesic geo whatif --explain: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
      }
      process.stdout.write(flags.json === true ? `${JSON.stringify(rows, null, 2)}\n` : `${formatWhatif(rows)}\n`);
      if (rows.every((r) => r.error !== undefined)) process.exitCode = 1;
    });
}
