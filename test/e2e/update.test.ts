// DNS UPDATE (RFC 2136) against `geodesic serve --data`: nsupdate (bind9-dnsutils) over UDP and TCP with
// TSIG, a TSIG-signed update built by dnspython, PowerDNS's metadata, scoped keys, and what is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, dig } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import { openStore } from '../../src/store/index.js';
import { Catalog } from '../../src/catalog/index.js';

const SECRET = Buffer.alloc(32, 7).toString('base64');
const ACME_SECRET = Buffer.alloc(32, 9).toString('base64');
let dir: string;
let server: Served;
let catalog: Catalog;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gdns-update-'));
  const data = join(dir, 'data');
  catalog = await Catalog.open(await openStore({ data }), { pollMs: 0 });
  await catalog.createZone({
    name: 'dyn.test.', records: [
      { name: 'dyn.test.', type: 'SOA', ttl: 300, content: 'ns1.dyn.test. hostmaster.dyn.test. 1 3600 600 86400 60' },
      { name: 'dyn.test.', type: 'NS', ttl: 300, content: 'ns1.dyn.test.' },
      { name: 'ns1.dyn.test.', type: 'A', ttl: 300, content: '192.0.2.1' },
      { name: 'www.dyn.test.', type: 'A', ttl: 300, content: '192.0.2.10' },
    ],
  }, 'test');
  // A key that may only touch TXT records under _acme-challenge (cert-manager's rfc2136 solver).
  await catalog.store.write((q) => q.putTsigKey({ name: 'acme.', algorithm: 'hmac-sha256', secret: ACME_SECRET,
    scopes: JSON.stringify([{ names: ['_acme-challenge.*'], types: ['TXT'], readOnly: false }]) }));
  writeFileSync(join(dir, 'geodesic.yaml'), [
    'listen: ["127.0.0.1:0"]', `store: { data: ${JSON.stringify(data)} }`,
    `keys: [{ name: ddns, algorithm: hmac-sha256, secret: "${SECRET}" }]`,
  ].join('\n'));
  server = await startServe(['--config', join(dir, 'geodesic.yaml')]);
});

after(async () => {
  await server?.stop();
  await catalog?.close();
  rmSync(dir, { recursive: true, force: true });
});

function nsupdate(script: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return nsupdateZone('dyn.test.', script, ...args);
}

function nsupdateZone(zone: string, script: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('nsupdate', args, { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: `${stdout}${stderr}` });
    });
    child.stdin!.end(`server 127.0.0.1 ${server.port}\nzone ${zone}\n${script}\nsend\n`);
  });
}

const short = async (name: string, type = 'A'): Promise<string> => (await dig(server.port, '+short', name, type)).trim();

test('update: nsupdate with TSIG adds and deletes over UDP and TCP; answered at once; journaled with the key', async () => {
  const r = await nsupdate('update add host1.dyn.test. 60 A 198.51.100.1\nupdate add host1.dyn.test. 60 A 198.51.100.2', '-y', `hmac-sha256:ddns:${SECRET}`);
  assert.equal(r.code, 0, r.out);
  assert.equal(await short('host1.dyn.test.'), '198.51.100.1\n198.51.100.2');
  const tcp = await nsupdate('update delete host1.dyn.test. A 198.51.100.1', '-v', '-y', `hmac-sha256:ddns:${SECRET}`);
  assert.equal(tcp.code, 0, tcp.out);
  assert.equal(await short('host1.dyn.test.'), '198.51.100.2');
  const history = await catalog.history('dyn.test.');
  assert.ok(history.some((e) => e.author === 'tsig:ddns.'), `authors: ${history.map((e) => e.author).join(', ')}`);
  assert.ok(Number((await short('dyn.test.', 'SOA')).split(' ')[2]) > 1, 'the serial went up');
});

test('update: prerequisites are checked (nsupdate prereq nxdomain on an existing name gives YXDOMAIN)', async () => {
  const r = await nsupdate('prereq nxdomain www.dyn.test.\nupdate add www.dyn.test. 60 A 198.51.100.9', '-y', `hmac-sha256:ddns:${SECRET}`);
  assert.notEqual(r.code, 0);
  assert.match(r.out, /YXDOMAIN/);
  assert.equal(await short('www.dyn.test.'), '192.0.2.10', 'nothing changed');
});

test('update: a wrong key is NOTAUTH, an unsigned update REFUSED until ALLOW-DNSUPDATE-FROM lets the source in', async () => {
  const bad = await nsupdate('update add x.dyn.test. 60 A 198.51.100.3', '-y', `hmac-sha256:ddns:${Buffer.alloc(32, 1).toString('base64')}`);
  assert.notEqual(bad.code, 0);
  assert.match(bad.out, /NOTAUTH|tsig|TSIG/);
  const unsigned = await nsupdate('update add x.dyn.test. 60 A 198.51.100.3');
  assert.notEqual(unsigned.code, 0);
  assert.match(unsigned.out, /REFUSED/);
  assert.equal(await short('x.dyn.test.'), '');
  await catalog.store.write(async (q) => q.setMetadata((await q.zoneByName('dyn.test.'))!.id, 'ALLOW-DNSUPDATE-FROM', ['127.0.0.0/8']));
  const allowed = await nsupdate('update add x.dyn.test. 60 A 198.51.100.3');
  assert.equal(allowed.code, 0, allowed.out);
  assert.equal(await short('x.dyn.test.'), '198.51.100.3');
  await catalog.store.write(async (q) => q.setMetadata((await q.zoneByName('dyn.test.'))!.id, 'ALLOW-DNSUPDATE-FROM', []));
});

test('update: a scoped key may add its TXT under _acme-challenge and nothing else', async () => {
  const ok = await nsupdate('update add _acme-challenge.www.dyn.test. 60 TXT "token-1"', '-y', `hmac-sha256:acme:${ACME_SECRET}`);
  assert.equal(ok.code, 0, ok.out);
  assert.equal(await short('_acme-challenge.www.dyn.test.', 'TXT'), '"token-1"');
  const wrongType = await nsupdate('update add _acme-challenge.www.dyn.test. 60 CAA 0 issue "ca.example"', '-y', `hmac-sha256:acme:${ACME_SECRET}`);
  assert.match(wrongType.out, /REFUSED/, wrongType.out);
  const wrongName = await nsupdate('update add www.dyn.test. 60 TXT "nope"', '-y', `hmac-sha256:acme:${ACME_SECRET}`);
  assert.match(wrongName.out, /REFUSED/);
  assert.equal(await short('www.dyn.test.', 'TXT'), '');
  const del = await nsupdate('update delete _acme-challenge.www.dyn.test. TXT', '-y', `hmac-sha256:acme:${ACME_SECRET}`);
  assert.equal(del.code, 0, del.out);
  assert.equal(await short('_acme-challenge.www.dyn.test.', 'TXT'), '');
});

test('update: a TSIG-signed UPDATE built by dnspython, and its signed response verified by dnspython', async () => {
  const py = `
import dns.update, dns.query, dns.tsigkeyring, dns.rcode, sys
ring = dns.tsigkeyring.from_text({'ddns.': ('hmac-sha256', '${SECRET}')})
u = dns.update.UpdateMessage('dyn.test.', keyring=ring, keyname='ddns.', keyalgorithm='hmac-sha256')
u.present('www.dyn.test.', 'A', '192.0.2.10')
u.replace('py.dyn.test.', 120, 'AAAA', '2001:db8::53')
r = dns.query.udp(u, '127.0.0.1', port=${server.port}, timeout=5)
print(dns.rcode.to_text(r.rcode()), r.had_tsig)
`;
  const out = await new Promise<string>((resolve, reject) => {
    execFile('/usr/bin/python3', ['-c', py], { timeout: 20_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  assert.equal(out.trim(), 'NOERROR True');
  assert.equal(await short('py.dyn.test.', 'AAAA'), '2001:db8::53');
});

test('update: a name outside the zone is NOTZONE; a zone this server does not have is NOTAUTH', async () => {
  const outside = await nsupdate('update add a.other.test. 60 A 198.51.100.5', '-y', `hmac-sha256:ddns:${SECRET}`);
  assert.match(outside.out, /NOTZONE/);
  const unknown = await nsupdateZone('nothere.test.', 'update add a.nothere.test. 60 A 198.51.100.5', '-y', `hmac-sha256:ddns:${SECRET}`);
  assert.match(unknown.out, /NOTAUTH/);
});
