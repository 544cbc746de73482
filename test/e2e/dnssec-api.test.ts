// DNSSEC through the HTTP API of a running `geodesic serve --data --api-listen`: a zone created with
// `dnssec: true` and a cryptokey POSTed to another answer signed (RRSIG, NSEC3) as soon as the HTTP
// answer is back; a PATCH to a signed zone is answered signed at once; delv validates with the DS the
// API returned.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dig, startServe } from './lib/serve-process.js';
import type { Served } from './lib/serve-process.js';
import { delvVia, installed } from './lib/validators.js';

const KEY = 'dnssec-e2e-key-0123456789';
const Z = '/api/v1/servers/localhost/zones';
const NO_DELV = installed('delv') ? false : 'delv is not installed (apt-get install bind9-dnsutils)';

async function api(port: number, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers: { 'x-api-key': KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: res.status, json };
}

describe('DNSSEC through the API of a running server', { timeout: 120_000, concurrency: false }, () => {
  let dir: string;
  let s: Served;
  let port: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gdns-dnssec-api-'));
    s = await startServe(['--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0',
      '--api-key', KEY, '--no-rrl', '--pid-file', join(dir, 'pid')]);
    const m = /"event":"api-listening"[^\n]*"port":(\d+)/.exec(s.log());
    if (m === null) throw new Error(`no api-listening line:\n${s.log()}`);
    port = Number(m[1]);
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dnssec: true on create: the zone answers signed when the 201 comes back', async () => {
    const r = await api(port, 'POST', Z, { name: 'sec.test.', kind: 'Native', nameservers: ['ns1.sec.test.'], dnssec: true, rrsets: [
      { name: 'www.sec.test.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }] }] });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal((r.json as Record<string, unknown>).dnssec, true);
    const a = await dig(s.port, '+dnssec', 'www.sec.test.', 'A');
    assert.match(a, /IN\s+RRSIG\s+A\s+13\s/);
    const nx = await dig(s.port, '+dnssec', 'nope.sec.test.', 'A');
    assert.match(nx, /status: NXDOMAIN/);
    assert.match(nx, /IN\s+NSEC3?\s/);
  });

  it('a PATCH to a signed zone is answered signed as soon as its 204 returns', async () => {
    const r = await api(port, 'PATCH', `${Z}/sec.test.`, { rrsets: [
      { name: 'new.sec.test.', type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: '"fresh"' }] }] });
    assert.equal(r.status, 204, JSON.stringify(r.json));
    assert.match(await dig(s.port, '+dnssec', 'new.sec.test.', 'TXT'), /IN\s+RRSIG\s+TXT\s/);
  });

  it('POST cryptokeys (active CSK) signs an unsigned zone; delv validates with the DS it returned', { skip: NO_DELV }, async () => {
    assert.equal((await api(port, 'POST', Z, { name: 'later.test.', kind: 'Native', nameservers: ['ns1.later.test.'], rrsets: [
      { name: 'www.later.test.', type: 'A', ttl: 60, records: [{ content: '192.0.2.7', disabled: false }] }] })).status, 201);
    assert.doesNotMatch(await dig(s.port, '+dnssec', 'www.later.test.', 'A'), /RRSIG/);
    const k = await api(port, 'POST', `${Z}/later.test./cryptokeys`, { keytype: 'csk', active: true, algorithm: 'ED25519' });
    assert.equal(k.status, 201, JSON.stringify(k.json));
    const ds = (k.json as { ds: string[] }).ds[0]!;
    const out = await delvVia(dir, s.port, `later.test. DS ${ds}`, 'www.later.test.', 'A');
    assert.match(out, /; fully validated\n[\s\S]*192\.0\.2\.7/, out);
  });
});
