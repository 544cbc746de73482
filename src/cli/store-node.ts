// A store-backed nameserver driven over standard input, for the multi-node and durability tests until
// `geodesic serve --data/--db` is wired: `node --import tsx src/cli/store-node.ts --db URL --port N`.
// Prints {"ready":true,"port":N} once answering, then one JSON line per command it is given:
//   {"id":1,"op":"create","spec":{...ZoneSpec}}  {"id":2,"op":"apply","zone":"a.test.","changes":{...}}
// and answers {"id":1,"ok":true,"result":{...}} or {"id":1,"ok":false,"error":"...","code":"..."}.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Engine } from '../engine/index.js';
import { listenUdp } from '../net/index.js';
import type { ChangeSet, ZoneSpec } from '../catalog/index.js';
import { attachStore } from './store-source.js';

type Command = { id: number; op: 'create'; spec: ZoneSpec } | { id: number; op: 'apply'; zone: string; changes: ChangeSet } | { id: number; op: 'status' };

const { values } = parseArgs({ options: {
  data: { type: 'string' }, db: { type: 'string' }, port: { type: 'string', default: '0' }, poll: { type: 'string', default: '500' },
} });
const engine = new Engine({ transfers: false });
const catalog = await attachStore(engine, { data: values.data, db: values.db }, null, { pollMs: Number(values.poll) });
const udp = await listenUdp({ host: '127.0.0.1', port: Number(values.port), engine, rrl: null, forceDgram: true });
process.stdout.write(`${JSON.stringify({ ready: true, port: udp.endpoint.port, status: catalog.status() })}\n`);

const run = async (c: Command): Promise<unknown> => {
  if (c.op === 'create') return catalog.createZone(c.spec, 'store-node');
  if (c.op === 'apply') {
    const r = await catalog.apply(c.zone, c.changes, 'store-node');
    await catalog.settled();
    return r;
  }
  return catalog.status();
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const c = JSON.parse(line) as Command;
  run(c).then(
    (result) => process.stdout.write(`${JSON.stringify({ id: c.id, ok: true, result })}\n`),
    (err: Error & { code?: string }) => process.stdout.write(`${JSON.stringify({ id: c.id, ok: false, error: err.message, code: err.code })}\n`),
  );
}).on('close', () => {
  void udp.endpoint.close().then(() => catalog.close()).then(() => process.exit(0));
});
