import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Command } from 'commander';
import { networkFromText } from '../geo/index.js';
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

/** The rows as an aligned table. */
export function formatWhatif(rows: readonly WhatifRow[]): string {
  const cells = rows.map((r) => [r.vantage, r.network,
    r.error !== undefined ? `error: ${r.error}` : r.answers.length > 0 ? r.answers.join(', ') : RCODES[r.rcode] ?? `rcode ${r.rcode}`,
    r.scope === null ? '-' : `/${r.scope}`]);
  const head = ['vantage', 'client network (ECS)', 'answer', 'scope'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [head, ...cells].map((c) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(width[i]!))).join('  ')).join('\n');
}

/** `geodesic geo whatif NAME [--from IP|CIDR|CITY ...]`. */
export function registerGeoCommands(program: Command): void {
  const geo = program.command('geo').description('GeoDNS tools');
  geo.command('whatif')
    .description('ask the running server what each vantage point gets for NAME (EDNS Client Subnet), with the scope returned')
    .argument('<name>', 'the name to ask for')
    .option('-t, --type <type>', 'record type', 'A')
    .option('-f, --from <ip|cidr|city...>', 'vantage points (default: about 20 cities around the world)')
    .option('-s, --server <host:port>', 'the server to ask', '127.0.0.1:5300')
    .option('--timeout <ms>', 'per query', '2000')
    .option('--json', 'print JSON rows')
    .action(async (name: string, flags: { type: string; from?: string[]; server: string; timeout: string; json?: boolean }) => {
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
      process.stdout.write(flags.json === true ? `${JSON.stringify(rows, null, 2)}\n` : `${formatWhatif(rows)}\n`);
      if (rows.every((r) => r.error !== undefined)) process.exitCode = 1;
    });
}
