// `geodesic zone|record|key` against a zone store (--data), as an operator runs them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgs } from './lib/serve-process.js';

let dir: string;
let data: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gdns-zonecli-'));
  data = join(dir, 'data');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, cliArgs(args), { timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out, err });
    });
  });
}

test('zone create, record add/set/delete, show, export, list, delete', async () => {
  let r = await cli('zone', 'create', 'shop.test', '--ns', 'ns1.shop.test.', 'ns2.shop.test.', '--data', data);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /created shop\.test\. in the store at/);
  r = await cli('record', 'add', 'shop.test', 'www', 'A', '192.0.2.10', '--ttl', '300', '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('record', 'add', 'shop.test', 'www', 'A', '192.0.2.11', '--ttl', '300', '--data', data);
  r = await cli('record', 'set', 'shop.test', '@', 'MX', '10 mail.shop.test.', '20 backup.shop.test.', '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('record', 'add', 'shop.test', 'www', 'A', 'not-an-address', '--data', data);
  assert.equal(r.code, 1);
  assert.match(r.err, /not-an-address/);
  r = await cli('record', 'delete', 'shop.test', 'www', 'A', '192.0.2.10', '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('zone', 'show', 'shop.test', '--data', data);
  assert.match(r.out, /^www\.shop\.test\. 300 A 192\.0\.2\.11$/m);
  assert.doesNotMatch(r.out, /192\.0\.2\.10/);
  assert.match(r.out, /^shop\.test\. 3600 MX 20 backup\.shop\.test\.$/m);
  r = await cli('zone', 'export', 'shop.test', '--data', data);
  assert.match(r.out, /SOA/);
  assert.match(r.out, /192\.0\.2\.11/);
  r = await cli('zone', 'list', '--data', data);
  assert.match(r.out, /^shop\.test\. +native +\d+$/m);
  r = await cli('zone', 'delete', 'shop.test', '--data', data);
  assert.equal(r.code, 1, 'asks first; no terminal, so it refuses without --yes');
  assert.match(r.err, /pass --yes/);
  r = await cli('zone', 'delete', 'shop.test', '--yes', '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('zone', 'show', 'shop.test', '--data', data);
  assert.match(r.err, /no zone shop\.test\./);
});

test('zone import: a folder of new zones, then a changed file shows its diff and writes only the change', async () => {
  const zones = join(dir, 'zones');
  mkdirSync(zones);
  const soa = (z: string): string => `$TTL 300\n@ SOA ns1.${z}. hostmaster.${z}. 7 3600 600 86400 60\n@ NS ns1.${z}.\nns1 A 192.0.2.1\n`;
  writeFileSync(join(zones, 'a.test.zone'), `${soa('a.test')}www A 192.0.2.2\n`);
  writeFileSync(join(zones, 'b.test.zone'), `${soa('b.test')}mail A 192.0.2.3\n`);
  let r = await cli('zone', 'import', zones, '--data', data);
  assert.equal(r.code, 1, 'no terminal and no --yes: nothing written');
  r = await cli('zone', 'list', '--data', data);
  assert.doesNotMatch(r.out, /a\.test/);
  r = await cli('zone', 'import', zones, '--yes', '--data', data);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /a\.test\. \(new zone\):/);
  assert.match(r.out, /wrote a\.test\.\nwrote b\.test\./);
  writeFileSync(join(zones, 'a.test.zone'), `${soa('a.test')}www A 192.0.2.20\napi AAAA 2001:db8::1\n`);
  r = await cli('zone', 'diff', join(zones, 'a.test.zone'), '--data', data);
  assert.match(r.out, /- www\.a\.test\. 300 A 192\.0\.2\.2\n\+ www\.a\.test\. 300 A 192\.0\.2\.20\n\+ api\.a\.test\. 300 AAAA 2001:db8::1/);
  assert.match(r.out, /1 RRset\(s\) added, 1 changed, 0 removed/);
  r = await cli('zone', 'import', join(zones, 'a.test.zone'), '--yes', '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('zone', 'show', 'a.test', '--data', data);
  assert.match(r.out, /192\.0\.2\.20/);
  assert.match(r.out, /2001:db8::1/);
  r = await cli('zone', 'diff', join(zones, 'a.test.zone'), '--data', data);
  assert.match(r.out, /0 RRset\(s\) added, 0 changed, 0 removed/);
});

test('key create/list/revoke: API keys with scopes and TSIG keys', async () => {
  let r = await cli('key', 'create', 'cert-manager', '--scope', '{"names":["_acme-challenge.*"],"types":["TXT"]}', '--data', data);
  assert.equal(r.code, 0, r.err);
  const id = /API key (\d+) "cert-manager": (gdns_\S+)/.exec(r.out);
  assert.ok(id, r.out);
  r = await cli('key', 'create', 'ddns', '--tsig', '--data', data);
  assert.match(r.out, /TSIG key ddns\. \(hmac-sha256\): [A-Za-z0-9+/]{43}=/);
  r = await cli('key', 'list', '--data', data);
  assert.match(r.out, /api +\d+ +cert-manager .*"types":\["TXT"\]/);
  assert.match(r.out, /tsig ddns\. +hmac-sha256 +unrestricted/);
  assert.doesNotMatch(r.out, new RegExp(id[2]!), 'the key itself is never listed');
  r = await cli('key', 'revoke', id[1]!, '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('key', 'revoke', 'ddns', '--tsig', '--data', data);
  assert.equal(r.code, 0, r.err);
  r = await cli('key', 'list', '--data', data);
  assert.doesNotMatch(r.out, /cert-manager|ddns/);
  r = await cli('key', 'create', 'x', '--scope', 'not json', '--data', data);
  assert.match(r.err, /--scope: not JSON/);
});

test('zone commands say where the zones are when nothing is given', async () => {
  const r = await cli('zone', 'list');
  assert.equal(r.code, 1);
  assert.match(r.err, /say where the zones are: --api URL \(a running server\) or --data DIR \/ --db URL \(the store\)/);
});

test('the same commands through a running server\'s API (--api): create, record add, show, import diff, keys', async () => {
  const { startServe, dig } = await import('./lib/serve-process.js');
  const KEY = 'cli-test-key-0123456789';
  const s = await startServe(['--data', join(dir, 'api-data'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--api-key', KEY, '--no-rrl']);
  try {
    const m = /"event":"api-listening"[^\n]*"port":(\d+)/.exec(s.log());
    assert.ok(m, s.log());
    const api = ['--api', `http://127.0.0.1:${m[1]}`, '--api-key', KEY];
    let r = await cli('zone', 'create', 'web.test', '--ns', 'ns1.web.test.', ...api);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /created web\.test\. in the API at http:\/\/127\.0\.0\.1:\d+/);
    r = await cli('record', 'add', 'web.test', 'www', 'A', '203.0.113.7', '--ttl', '60', ...api);
    assert.equal(r.code, 0, r.err);
    assert.equal((await dig(s.port, '+short', 'www.web.test.', 'A')).trim(), '203.0.113.7', 'answered over DNS once the command returns');
    r = await cli('zone', 'show', 'web.test', ...api);
    assert.match(r.out, /^www\.web\.test\. 60 A 203\.0\.113\.7$/m);
    r = await cli('zone', 'list', ...api);
    assert.match(r.out, /^web\.test\. /m);
    r = await cli('record', 'add', 'web.test', 'www', 'A', 'bad', ...api);
    assert.equal(r.code, 1);
    assert.match(r.err, /HTTP 422/);
    r = await cli('key', 'create', 'ro', '--scope', '{"readOnly":true}', ...api);
    assert.equal(r.code, 0, r.err);
    const ro = /: (gdns_\S+)/.exec(r.out)![1]!;
    r = await cli('record', 'add', 'web.test', 'x', 'A', '203.0.113.8', '--api', `http://127.0.0.1:${m[1]}`, '--api-key', ro);
    assert.equal(r.code, 1, 'a read-only key cannot write');
    assert.match(r.err, /HTTP 403/);
  } finally {
    await s.stop();
  }
});
