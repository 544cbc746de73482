import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeMessage, encodeMessage, nameFromText, Rcode, RRType, rrToText } from '../../src/wire/index.js';
import type { Message } from '../../src/wire/index.js';
import { freePort } from './lib/free-port.js';
import { knotConfig, pdnsConfig, pdnsNamedConf } from './lib/peer-configs.js';
import { startServer } from './lib/server-process.js';
import type { RunningServer } from './lib/server-process.js';
import { cliArgs, dig, run, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';

// ALIAS (issue 16) against a real upstream: Knot serves the target zone cdn.test on loopback, reached
// through a small UDP relay the test controls (delay, drop), standing in for the recursive resolver.
// Two Geodesic servers answer example.test, whose apex is ALIAS edge.cdn.test: one with the failure
// policy servfail (and DNSSEC: example.test signed, ALIAS answers signed online), one with stale.

const dir = mkdtempSync(join(tmpdir(), 'geodesic-alias-'));
const knotDir = join(dir, 'knot');
const knotZones = join(dir, 'knot-zones');
let knot: RunningServer;
let relay: Relay;
let strict: Served;
let stale: Served;
let ds = '';
let metricsPort = 0;
let pdns: RunningServer | undefined;

function cdnZone(serial: number, v4: string): string {
  return `$ORIGIN cdn.test.
$TTL 2
@     3600 SOA ns hm ${serial} 3600 600 86400 2
@     3600 NS  ns
ns    3600 A   127.0.0.1
edge  A    ${v4}
edge  AAAA 2001:db8::7
v4only A   203.0.113.9
fresh CNAME edge
cname CNAME edge
`;
}

const EXAMPLE = `$ORIGIN example.test.
$TTL 300
@        SOA ns hm 1 3600 600 86400 60
@        NS  ns
@        ALIAS edge.cdn.test.
@        MX  10 mail
ns       A   192.0.2.1
mail     A   192.0.2.25
www      A   192.0.2.10
inside   ALIAS www
viacname ALIAS cname.cdn.test.
gone     ALIAS nowhere.cdn.test.
geo      ALIAS pick
v4       ALIAS v4only.cdn.test.
pick     LUA A "pickclosest({'78.142.195.195','67.198.150.72'})"
`;

/** A UDP relay to Knot that can hold answers back (delayMs) or drop every question. */
interface Relay { port: number; delayMs: number; drop: boolean; asked: number; close(): void }

async function startRelay(upstreamPort: number): Promise<Relay> {
  const front: Socket = createSocket('udp4');
  const back: Socket = createSocket('udp4');
  const waiting = new Map<number, { port: number; address: string }>();
  const r: Relay = { port: 0, delayMs: 0, drop: false, asked: 0, close: () => { front.close(); back.close(); } };
  front.on('message', (msg, from) => {
    r.asked++;
    if (r.drop) return;
    waiting.set(msg.readUInt16BE(0), { port: from.port, address: from.address });
    back.send(msg, upstreamPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    const to = waiting.get(msg.readUInt16BE(0));
    if (to === undefined) return;
    waiting.delete(msg.readUInt16BE(0));
    const send = (): void => { try { front.send(msg, to.port, to.address); } catch { /* closed */ } };
    if (r.delayMs > 0) setTimeout(send, r.delayMs).unref();
    else send();
  });
  await new Promise<void>((res) => front.bind(0, '127.0.0.1', res));
  await new Promise<void>((res) => back.bind(0, '127.0.0.1', res));
  r.port = front.address().port;
  return r;
}

/** One UDP query to 127.0.0.1:port from this process (to time it), with ECS when given. */
function ask(port: number, name: string, type: number, timeoutMs = 2000): Promise<{ m: Message; ms: number }> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const q = encodeMessage({
      id: 4242, flags: 0x0100, opcode: 0, rcode: 0, questions: [{ name: nameFromText(name), type, class: 1 }],
      answers: [], authority: [], additional: [], edns: null, tsig: null,
    });
    const t0 = performance.now();
    const timer = setTimeout(() => { sock.close(); reject(new Error(`no answer to ${name} in ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('message', (buf) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      sock.close();
      resolve({ m: decodeMessage(new Uint8Array(buf)), ms });
    });
    sock.send(q, port, '127.0.0.1');
  });
}
const answers = (m: Message): string[] => m.answers.map((r) => rrToText(r).replace(/\s+/g, ' ')).sort();

async function setCdn(serial: number, v4: string): Promise<void> {
  writeFileSync(join(knotZones, 'cdn.test.zone'), cdnZone(serial, v4));
  const r = await run('knotc', ['-c', join(knotDir, 'knot.conf'), 'zone-reload', 'cdn.test.']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  // Knot reloads in the background: wait until it serves the new serial.
  for (let i = 0; i < 50; i++) {
    if ((await dig(knot.port, '+short', 'cdn.test', 'SOA')).includes(` ${serial} `)) return;
    await sleep(100);
  }
  throw new Error('knot did not reload cdn.test');
}

/** Polls until `check` holds (or fails after timeoutMs). */
async function eventually(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await check()) return Date.now() - t0;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

before(async () => {
  mkdirSync(knotDir);
  mkdirSync(knotZones);
  mkdirSync(join(dir, 'zones'));
  writeFileSync(join(knotZones, 'cdn.test.zone'), cdnZone(1, '203.0.113.1'));
  const kport = await freePort();
  writeFileSync(join(knotDir, 'knot.conf'), knotConfig(knotDir, knotZones, ['127.0.0.1'], kport, ['cdn.test.']));
  knot = await startServer({ name: 'knot', command: 'knotd', args: ['-c', join(knotDir, 'knot.conf')], hosts: ['127.0.0.1'], port: kport, zones: ['cdn.test.'] });
  relay = await startRelay(kport);
  metricsPort = await freePort();
  writeFileSync(join(dir, 'zones', 'example.test.zone'), EXAMPLE);
  const enable = await run(process.execPath, cliArgs(['dnssec', 'enable', 'example.test', '--keys', join(dir, 'keys')]), 30_000);
  assert.equal(enable.code, 0, enable.stderr);
  ds = (enable.stdout.match(/^example\.test\.\s+\d*\s*IN\s+DS\s+.*$/m) ?? [''])[0];
  const config = (failure: string): string => {
    const f = join(dir, `${failure}.yaml`);
    writeFileSync(f, `zones:
  directory: zones
listen: [127.0.0.1:0]
rrl: { enabled: false }
transfer: { allow: [127.0.0.1] }
geo: { lua-records: true }
alias:
  resolvers: [127.0.0.1:${relay.port}]
  failure: ${failure}
  max-stale: 10s
  timeout: 2500ms
${failure === 'stale' ? '  axfr: addresses\n' : ''}pid-file: ${failure}.pid
${failure === 'servfail' ? 'dnssec: { keys: keys }\n' : `store: { data: store }\nmetrics: { listen: 127.0.0.1:${metricsPort} }\n`}`);
    return f;
  };
  [strict, stale] = await Promise.all([startServe(['--config', config('servfail')]), startServe(['--config', config('stale')])]);
});

after(async () => {
  await Promise.all([strict, stale].filter((s) => s !== undefined).map((s) => s.stop()));
  await knot?.stop();
  await pdns?.stop();
  relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the apex ALIAS answers A and AAAA with the target\'s addresses from the first query on', async () => {
  const a = await ask(strict.port, 'example.test.', RRType.A);
  assert.equal(a.m.rcode, Rcode.NOERROR);
  assert.deepEqual(answers(a.m), ['example.test. 2 IN A 203.0.113.1']);
  assert.deepEqual(answers((await ask(strict.port, 'example.test.', RRType.AAAA)).m), ['example.test. 2 IN AAAA 2001:db8::7']);
  assert.deepEqual(answers((await ask(strict.port, 'viacname.example.test.', RRType.A)).m), ['viacname.example.test. 2 IN A 203.0.113.1']);
  // dig sees an ordinary authoritative answer.
  const d = await dig(strict.port, '+norec', 'example.test', 'A');
  assert.match(d, /flags: qr aa;/);
  assert.match(d, /example\.test\.\s+2\s+IN\s+A\s+203\.0\.113\.1/);
  // Other types at the apex are the zone's own.
  assert.match(await dig(strict.port, '+short', 'example.test', 'MX'), /10 mail\.example\.test\./);
});

test('signed zone: ALIAS answers (external, hosted, LUA geo) carry signatures and validate with delv', { skip: !existsSync('/usr/bin/delv') }, async () => {
  const [, tag, alg, digestType, digest] = /DS\s+(\d+) (\d+) (\d+) (\S+)/.exec(ds)!;
  const anchors = join(dir, 'anchors.conf');
  writeFileSync(anchors, `trust-anchors { example.test. initial-ds ${tag} ${alg} ${digestType} "${digest}"; };\n`);
  for (const name of ['example.test', 'inside.example.test', 'geo.example.test']) {
    const r = await run('delv', ['@127.0.0.1', '-p', String(strict.port), '-a', anchors, '+root=example.test', name, 'A'], 20_000);
    assert.match(r.stdout + r.stderr, /; fully validated/, `${name}: ${r.stdout}${r.stderr}`);
  }
  // A target without AAAA: NODATA, proven with the name's NSEC3 minus AAAA, signed online.
  const nodata = await run('delv', ['@127.0.0.1', '-p', String(strict.port), '-a', anchors, '+root=example.test', 'v4.example.test', 'AAAA'], 20_000);
  assert.match(nodata.stdout + nodata.stderr, /negative response, fully validated/, nodata.stdout + nodata.stderr);
  const withDo = await dig(strict.port, '+dnssec', '+noall', '+answer', 'example.test', 'A');
  assert.match(withDo, /\sRRSIG\s+A 13 2 /);
});

test('a zone written to the store while serving: its new ALIAS target is looked up; queries meanwhile wait (TC, then TCP) instead of SERVFAIL', async () => {
  const file = join(dir, 'flat.test.zone');
  writeFileSync(file, `$ORIGIN flat.test.\n$TTL 300\n@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 192.0.2.1\n@ ALIAS fresh.cdn.test.\n`);
  relay.delayMs = 1000; // the first lookup of fresh.cdn.test takes 1 s
  try {
    const r = await run(process.execPath, cliArgs(['store', 'import', file, '--data', join(dir, 'store')]), 30_000);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    let seen = '';
    await eventually('the store zone served', 15_000, async () => {
      seen = await dig(stale.port, 'flat.test', 'A'); // dig follows TC=1 over TCP
      return !/status: REFUSED/.test(seen);
    });
    assert.match(seen, /status: NOERROR/, seen);
    assert.match(seen, /^flat\.test\.\s+2\s+IN\s+A\s+203\.0\.113\.\d+$/m, seen);
  } finally {
    relay.delayMs = 0;
  }
});

test('AXFR carries the ALIAS records as they are (for Geodesic and PowerDNS secondaries), or their addresses (alias.axfr: addresses)', async () => {
  const asIs = await dig(strict.port, '+noall', '+answer', 'example.test', 'AXFR');
  assert.match(asIs, /^example\.test\.\s+300\s+IN\s+TYPE65401\s+\\# 15 04656467650363646E047465737400$/m, asIs);
  assert.doesNotMatch(asIs, /^example\.test\.\s+\d+\s+IN\s+A\s/m);
  // flat.test (from the store) as addresses; example.test has an ALIAS whose target does not exist: that
  // transfer fails, as PowerDNS's does with outgoing-axfr-expand-alias=yes.
  const expanded = await dig(stale.port, '+noall', '+answer', 'flat.test', 'AXFR');
  assert.match(expanded, /^flat\.test\.\s+2\s+IN\s+A\s+203\.0\.113\.\d+$/m, expanded);
  assert.match(expanded, /^flat\.test\.\s+2\s+IN\s+AAAA\s+2001:db8::7$/m);
  assert.doesNotMatch(expanded, /TYPE65401/);
  // A Geodesic secondary (its requests carry EDNS option 65432) gets ALIAS as it is.
  assert.match(await dig(stale.port, '+noall', '+answer', '+ednsopt=65432:67656f6465736963', 'flat.test', 'AXFR'), /^flat\.test\.\s+300\s+IN\s+TYPE65401\s/m);
  assert.match(await dig(stale.port, '+noall', '+answer', 'example.test', 'AXFR'), /Transfer failed/);
  assert.match(stale.log(), /nowhere\.cdn\.test\. cannot be expanded/);
});

test('metrics: per target whether queries get addresses; lookups by result', async () => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  assert.match(text, /^geodesic_alias_target_up\{target="edge\.cdn\.test\.",type="A"\} 1$/m, text);
  assert.match(text, /^geodesic_alias_target_up\{target="nowhere\.cdn\.test\.",type="A"\} 0$/m);
  assert.match(text, /^geodesic_alias_target_stale\{target="edge\.cdn\.test\.",type="AAAA"\} 0$/m);
  assert.match(text, /^geodesic_alias_lookups_total\{result="failed"\} [1-9]/m);
  const status = await run(process.execPath, cliArgs(['status', '--url', `http://127.0.0.1:${metricsPort}/metrics`, '--interval', '0.1']), 30_000);
  assert.match(status.stdout, /alias +\d+ target\(s\), SERVFAIL for [^\n]*nowhere\.cdn\.test\. A/, status.stdout + status.stderr);
});

test('a target that does not exist answers SERVFAIL', async () => {
  assert.equal((await ask(strict.port, 'gone.example.test.', RRType.A)).m.rcode, Rcode.SERVFAIL);
});

test('hosted targets are resolved here, a LUA geo target per client network (ECS)', async () => {
  assert.deepEqual(answers((await ask(strict.port, 'inside.example.test.', RRType.A)).m), ['inside.example.test. 300 IN A 192.0.2.10']);
  const uk = await dig(strict.port, '+subnet=81.2.69.0/24', 'geo.example.test', 'A');
  assert.match(uk, /geo\.example\.test\.\s+300\s+IN\s+A\s+78\.142\.195\.195/);
  assert.match(uk, /CLIENT-SUBNET: 81\.2\.69\.0\/24\/([1-9]\d*)/);
  assert.match(await dig(strict.port, '+subnet=8.8.8.0/24', '+short', 'geo.example.test', 'A'), /^67\.198\.150\.72$/m);
});

// Lookups are made slow (2 s through the relay): a query that waited for one would take that long. The
// bounds below are half of it, so they hold on a loaded machine and fail only if a query waits.
test('as PowerDNS 4 with expand-alias and the same resolver (addresses and rcodes; TTLs differ by design)', async () => {
  const pdir = join(dir, 'pdns');
  mkdirSync(pdir);
  const port = await freePort();
  writeFileSync(join(pdir, 'pdns.conf'), pdnsConfig(pdir, ['127.0.0.1'], port)
    .replace('expand-alias=no', `expand-alias=yes\nresolver=127.0.0.1:${relay.port}`));
  writeFileSync(join(pdir, 'named.conf'), pdnsNamedConf([['example.test', join(dir, 'zones', 'example.test.zone')]]));
  pdns = await startServer({ name: 'pdns', command: 'pdns_server', args: [`--config-dir=${pdir}`], hosts: ['127.0.0.1'], port, zones: ['example.test.'] });
  const view = (m: Message): string => `${m.rcode} ${m.answers.map((r) => `${r.type} ${rrToText(r).split(/\s+/).slice(4).join(' ')}`).sort().join(', ')}`;
  for (const [name, type] of [['example.test.', RRType.A], ['example.test.', RRType.AAAA], ['viacname.example.test.', RRType.A],
    ['gone.example.test.', RRType.A], ['example.test.', RRType.MX], ['example.test.', RRType.ALIAS], ['www.example.test.', RRType.A]] as const) {
    const [ours, theirs] = [view((await ask(strict.port, name, type)).m), view((await ask(port, name, type, 5000)).m)];
    assert.equal(ours, theirs, `${name} ${type}`);
  }
  // Hosted targets: PowerDNS asks its resolver (which does not know example.test: SERVFAIL); Geodesic
  // answers them itself.
  assert.equal((await ask(port, 'inside.example.test.', RRType.A, 5000)).m.rcode, Rcode.SERVFAIL);
  assert.equal((await ask(strict.port, 'inside.example.test.', RRType.A)).m.rcode, Rcode.NOERROR);
});

test('answers follow a change at the target after its TTL; no query waits on the slow resolver', async () => {
  relay.delayMs = 2000;
  await setCdn(2, '203.0.113.2');
  const times: number[] = [];
  const took = await eventually('new address served', 15_000, async () => {
    const r = await ask(strict.port, 'example.test.', RRType.A);
    times.push(r.ms);
    return answers(r.m)[0] === 'example.test. 2 IN A 203.0.113.2';
  });
  // Seen within the TTL (2 s) + a refresh + the slow lookup (2 s) + one more round of both at worst.
  assert.ok(took < 10_000, `took ${took} ms`);
  times.sort((x, y) => x - y);
  const worst = times[times.length - 1]!;
  assert.ok(worst < 1000, `slowest of ${times.length} queries: ${worst.toFixed(1)} ms (lookups take 2000 ms)`);
});

test('while slow lookups run, 200 queries in a row: none waits', async (t) => {
  const times: number[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < 3000) times.push((await ask(strict.port, 'example.test.', RRType.A)).ms); // > one refresh
  relay.delayMs = 0;
  times.sort((x, y) => x - y);
  const p50 = times[times.length >> 1]!;
  const max = times[times.length - 1]!;
  t.diagnostic(`${times.length} queries: p50 ${p50.toFixed(2)} ms, max ${max.toFixed(2)} ms`);
  assert.ok(times.length >= 200 && max < 1000, `${times.length} queries: p50 ${p50.toFixed(2)} ms, max ${max.toFixed(2)} ms`);
});

test('the resolver fails: servfail policy answers until the TTL ends, then SERVFAIL; stale keeps the last answer for max-stale', async () => {
  // Both servers have 203.0.113.2 by now.
  await eventually('stale server has the new address', 15_000, async () =>
    answers((await ask(stale.port, 'example.test.', RRType.A)).m)[0] === 'example.test. 2 IN A 203.0.113.2');
  relay.drop = true;
  await eventually('servfail policy answers SERVFAIL', 15_000, async () =>
    (await ask(strict.port, 'example.test.', RRType.A)).m.rcode === Rcode.SERVFAIL);
  // The stale server still answers with the last good addresses...
  const s = await ask(stale.port, 'example.test.', RRType.A);
  assert.equal(s.m.rcode, Rcode.NOERROR);
  assert.deepEqual(answers(s.m), ['example.test. 2 IN A 203.0.113.2']);
  // ...until max-stale (10 s) past the TTL.
  await eventually('stale policy gives up after max-stale', 15_000, async () =>
    (await ask(stale.port, 'example.test.', RRType.A)).m.rcode === Rcode.SERVFAIL);
  assert.match(strict.log(), /"event":"alias-target-failed"/);
  // The resolver is back: both answer again.
  relay.drop = false;
  await eventually('recovered', 15_000, async () =>
    (await ask(strict.port, 'example.test.', RRType.A)).m.rcode === Rcode.NOERROR &&
    (await ask(stale.port, 'example.test.', RRType.A)).m.rcode === Rcode.NOERROR);
});
