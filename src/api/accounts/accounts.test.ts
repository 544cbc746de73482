import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Catalog } from '../../catalog/index.js';
import { SCRATCH_DIALECTS, createScratchStore, openStore } from '../../store/index.js';
import type { ScratchStore } from '../../store/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../../zone/index.js';
import { nameFromText } from '../../wire/index.js';
import { createApi } from '../server.js';
import { ApiKeyRing } from '../keys.js';
import { LoginLimiter } from './login-limiter.js';
import { hashPassword, verifyPassword } from './passwords.js';

const T = { timeout: 60_000 };
const G = '/api/v1/geodesic';

interface Browser { cookie: string; csrf: string }

for (const dialect of SCRATCH_DIALECTS) describe(`admin UI accounts and extras (${dialect})`, { ...T, concurrency: false }, () => {
  let scratch: ScratchStore;
  let cat: Catalog;
  let app: FastifyInstance;
  let admin: Browser;

  const call = async (method: string, url: string, b?: Browser, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({
      method: method as 'GET', url, payload: payload === undefined ? undefined : JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...(b ? { cookie: b.cookie, 'x-csrf-token': b.csrf } : {}), ...headers },
    });
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) as Record<string, unknown> : {}, headers: res.headers };
  };
  const browserOf = (r: { json: Record<string, unknown>; headers: Record<string, unknown> }): Browser => {
    const set = String(r.headers['set-cookie']);
    assert.match(set, /HttpOnly/);
    assert.match(set, /SameSite=Strict/);
    return { cookie: set.split(';')[0]!, csrf: String(r.json.csrf) };
  };

  before(async () => {
    scratch = await createScratchStore(dialect);
    const store = await openStore(scratch.where);
    cat = await Catalog.open(store, { pollMs: 0 });
    const origin = nameFromText('file.test.');
    const fileZone = buildZone(origin, parseZoneText('@ 300 IN SOA ns1 h 7 1 1 1 1\n@ NS ns1\nns1 A 192.0.2.53\nwww TXT "hello"\n', { origin }));
    app = await createApi({ catalog: cat, fileZones: () => new ZoneSet([fileZone]), keys: new ApiKeyRing([], store) });
    await cat.createZone({ name: 'ui.test.', records: [
      { name: 'ui.test.', type: 'SOA', content: 'ns1.ui.test. hostmaster.ui.test. 1 3600 600 86400 300' },
      { name: 'ui.test.', type: 'NS', content: 'ns1.ui.test.' },
      { name: 'ns1.ui.test.', type: 'A', content: '192.0.2.53' },
      ...Array.from({ length: 300 }, (_, i) => ({ name: `h${String(i).padStart(3, '0')}.ui.test.`, type: 'A', content: `10.0.${i >> 8}.${i & 255}` })),
    ] }, 'test');
  });
  after(async () => {
    await app?.close();
    await cat?.close();
    await scratch?.drop();
  });

  it('hashes passwords with scrypt and checks them', async () => {
    const h = await hashPassword('correct horse battery');
    assert.match(h, /^scrypt\$/);
    assert.equal(await verifyPassword('correct horse battery', h), true);
    assert.equal(await verifyPassword('wrong horse battery', h), false);
  });

  it('first sign-up becomes admin; sign-up is then closed', async () => {
    let s = await call('GET', `${G}/auth/session`);
    assert.equal(s.json.firstRun, true);
    const r = await call('POST', `${G}/auth/signup`, undefined, { name: 'Alice', password: 'alice-password-1' });
    assert.equal(r.status, 201);
    assert.equal((r.json.user as { role: string }).role, 'admin');
    admin = browserOf(r);
    s = await call('GET', `${G}/auth/session`, admin);
    assert.equal((s.json.user as { name: string }).name, 'alice');
    assert.equal(s.json.csrf, admin.csrf);
    const second = await call('POST', `${G}/auth/signup`, undefined, { name: 'bob', password: 'bob-password-12' });
    assert.equal(second.status, 403);
    assert.match(String(second.json.error), /sign-up is closed/);
  });

  it('a write without the CSRF token is refused; a cross-site login too', async () => {
    const r = await call('PATCH', `${G}/settings`, { cookie: admin.cookie, csrf: 'nope' }, { allowSignup: false });
    assert.equal(r.status, 403);
    assert.match(String(r.json.error), /CSRF/);
    const x = await call('POST', `${G}/auth/login`, undefined, { name: 'alice', password: 'alice-password-1' }, { origin: 'https://evil.example', host: 'localhost' });
    assert.equal(x.status, 403);
  });

  it('admin creates a viewer and an operator; roles limit what they may change', async () => {
    assert.equal((await call('POST', `${G}/users`, admin, { name: 'vic', password: 'viewer-password', role: 'viewer' })).status, 201);
    assert.equal((await call('POST', `${G}/users`, admin, { name: 'olga', password: 'operator-password', role: 'operator', zones: ['ui.test'] })).status, 201);
    const vic = browserOf(await call('POST', `${G}/auth/login`, undefined, { name: 'vic', password: 'viewer-password' }));
    const olga = browserOf(await call('POST', `${G}/auth/login`, undefined, { name: 'olga', password: 'operator-password' }));
    assert.equal((await call('GET', `${G}/zones`, vic)).status, 200);
    assert.equal((await call('PATCH', `${G}/settings`, vic, { allowSignup: true })).status, 403);
    assert.equal((await call('GET', `${G}/users`, vic)).status, 403);
    assert.equal((await call('PATCH', `${G}/settings`, olga, { allowSignup: true })).status, 403);
    // operator's key is limited to the operator's zones; a viewer's key is read-only
    const olgaId = ((await call('GET', `${G}/auth/session`, olga)).json.user as { id: number }).id;
    assert.equal(olgaId, 3);
    const ok = await call('POST', `${G}/users/${olgaId}/keys`, olga, { name: 'ci' });
    assert.equal(ok.status, 201);
    assert.match(String(ok.json.key), /^gdns_/);
    const bad = await call('POST', `${G}/users/3/keys`, olga, { name: 'wide', scopes: [{ zones: ['other.test.'], readOnly: false }] });
    assert.equal(bad.status, 403);
    const vkey = await call('POST', `${G}/users/2/keys`, vic, { name: 'ro', scopes: [{ readOnly: false }] });
    assert.deepEqual(vkey.json.scopes, [{ readOnly: true }]);
    assert.equal((await call('POST', `${G}/users/3/keys`, vic, { name: 'not mine' })).status, 403);
  });

  it('locks an account after repeated failures (429 with Retry-After)', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await call('POST', `${G}/auth/login`, undefined, { name: 'vic', password: `bad-${i}` })).status, 401);
    const r = await call('POST', `${G}/auth/login`, undefined, { name: 'vic', password: 'viewer-password' });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers['retry-after']) > 0);
  });

  it('log out everywhere ends every session of the user', async () => {
    const one = browserOf(await call('POST', `${G}/auth/login`, undefined, { name: 'olga', password: 'operator-password' }));
    const two = browserOf(await call('POST', `${G}/auth/login`, undefined, { name: 'olga', password: 'operator-password' }));
    const r = await call('POST', `${G}/auth/logout-all`, one);
    assert.ok(Number(r.json.ended) >= 2);
    assert.equal((await call('GET', `${G}/zones`, two)).status, 401);
    assert.equal((await call('GET', `${G}/auth/session`, two)).json.user, null);
  });

  it('pages and searches RRsets on the server', async () => {
    const all = await call('GET', `${G}/zones/ui.test./rrsets?limit=100`, admin);
    assert.equal(all.json.total, 303);
    assert.equal((all.json.rrsets as unknown[]).length, 100);
    const found = await call('GET', `${G}/zones/ui.test/rrsets?q=h12&type=A`, admin);
    assert.deepEqual((found.json.rrsets as { name: string }[]).map((r) => r.name).slice(0, 2), ['h120.ui.test.', 'h121.ui.test.']);
    await cat.apply('ui.test.', { rrsets: [{ name: '_acme-challenge.ui.test.', type: 'TXT', changetype: 'REPLACE', ttl: 60, records: [{ content: '"Token_ABC"' }] }] }, 'alice');
    const acme = await call('GET', `${G}/zones/ui.test./rrsets?q=_acme`, admin);
    assert.deepEqual((acme.json.rrsets as { name: string }[]).map((r) => r.name), ['_acme-challenge.ui.test.']);
    assert.equal((await call('GET', `${G}/zones/ui.test./rrsets?q=token_abc`, admin)).json.total, 1, 'content search ignores case');
    assert.equal((await call('GET', `${G}/zones/ui.test./rrsets?q=h1_0`, admin)).json.total, 0, '_ is not a wildcard');
    await cat.apply('ui.test.', { rrsets: [{ name: '_acme-challenge.ui.test.', type: 'TXT', changetype: 'DELETE' }] }, 'alice');
    const zones = await call('GET', `${G}/zones?q=ui`, admin);
    assert.deepEqual(zones.json.zones, [{ id: 'ui.test.', name: 'ui.test.', kind: 'Native', serial: 3, records: 303, source: 'store' }]);
    const files = await call('GET', `${G}/zones?q=file`, admin);
    assert.deepEqual(files.json.zones, [{ id: 'file.test.', name: 'file.test.', kind: 'Native', serial: 7, records: 4, source: 'file' }]);
    const fileSets = await call('GET', `${G}/zones/file.test./rrsets?q=hello`, admin);
    assert.equal(fileSets.json.source, 'file');
    assert.deepEqual((fileSets.json.rrsets as { name: string; type: string }[]).map((r) => `${r.name} ${r.type}`), ['www.file.test. TXT']);
    assert.deepEqual((await call('GET', `${G}/zones/file.test./history`, admin)).json, []);
  });

  it('reverts a change from the history, and refuses when the RRset changed since', async () => {
    await cat.apply('ui.test.', { rrsets: [{ name: 'www.ui.test.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.1' }] }] }, 'alice');
    await cat.apply('ui.test.', { rrsets: [{ name: 'www.ui.test.', type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.2' }] }] }, 'alice');
    const h = await call('GET', `${G}/zones/ui.test./history`, admin);
    const entries = h.json as unknown as { id: number; changes: { name: string; type: string }[] }[];
    assert.equal(entries[0]!.changes.find((c) => c.type === 'A')!.name, 'www.ui.test.');
    assert.equal((await call('POST', `${G}/zones/ui.test./history/${entries[1]!.id}/revert`, admin)).status, 409);
    const r = await call('POST', `${G}/zones/ui.test./history/${entries[0]!.id}/revert`, admin);
    assert.equal(r.status, 200);
    const www = await call('GET', `${G}/zones/ui.test./rrsets?q=www`, admin);
    assert.deepEqual((www.json.rrsets as { records: { content: string }[] }[])[0]!.records.map((x) => x.content), ['192.0.2.1']);
  });

  it('import preview diffs a zone file without writing', async () => {
    const text = '$ORIGIN ui.test.\n@ 3600 IN SOA ns1 hostmaster 5 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.53\nnew 300 A 198.51.100.7\n';
    const r = await call('POST', `${G}/zones/ui.test./import-preview`, admin, { zone: text });
    assert.equal(r.status, 200);
    const changes = r.json.changes as { name: string; after: unknown }[];
    assert.ok(changes.some((c) => c.name === 'new.ui.test.' && c.after !== null));
    assert.ok(changes.some((c) => c.name === 'h000.ui.test.' && c.after === null));
    const still = await call('GET', `${G}/zones/ui.test./rrsets?q=new.ui`, admin);
    assert.equal(still.json.total, 0);
    const bad = await call('POST', `${G}/zones/ui.test./import-preview`, admin, { zone: 'www A 300.1.1.1\n' });
    assert.equal(bad.status, 422);
    assert.match(String(bad.json.error), /line 1/);
    assert.equal((await call('POST', `${G}/zones/ui.test./import-preview`, admin, { zone: '$INCLUDE /etc/passwd\n' })).status, 422);
  });

  it('checks LUA record code by compiling it, never running it', async () => {
    assert.deepEqual((await call('POST', `${G}/lua-check`, admin, { code: "pickclosest({'192.0.2.1'})" })).json, { ok: true });
    const bad = await call('POST', `${G}/lua-check`, admin, { code: ';if x then return 1' });
    assert.equal(bad.json.ok, false);
    assert.match(String(bad.json.error), /'end' expected/);
    assert.deepEqual((await call('POST', `${G}/lua-check`, admin, { code: ";os.exit(1)" })).json, { ok: true });
  });

  it('signs in through a trusted reverse proxy\'s header, only from its networks (off by default)', async () => {
    const asProxy = (remoteAddress: string) => app.inject({ url: `${G}/auth/session`, remoteAddress, headers: { 'x-forwarded-user': 'carol@example.org' } });
    let r = await asProxy('127.0.0.1');
    assert.equal(JSON.parse(r.body).user, null, 'off by default');
    assert.equal((await call('PATCH', `${G}/settings`, admin, { proxyHeader: 'X-Forwarded-User', proxyNetworks: ['127.0.0.2/32'] })).status, 200);
    r = await asProxy('127.0.0.1');
    assert.equal(JSON.parse(r.body).user, null, 'not from the proxy');
    r = await asProxy('127.0.0.2');
    const body = JSON.parse(r.body) as { user: { name: string; role: string } };
    assert.deepEqual([body.user.name, body.user.role], ['carol@example.org', 'viewer']);
    assert.match(String(r.headers['set-cookie']), /^gdns_session=/);
    assert.equal((await call('PATCH', `${G}/settings`, admin, { proxyHeader: '' })).status, 200);
  });

  it('serves the UI at / with an SPA fallback; unknown API paths stay JSON 404s', async () => {
    const root = await app.inject({ url: '/' });
    assert.ok([200, 503].includes(root.statusCode));
    assert.match(String(root.headers['content-type']), /text\/html/);
    const deep = await app.inject({ url: '/zones/ui.test./history' });
    assert.equal(deep.statusCode, root.statusCode);
    const api = await app.inject({ url: '/api/v1/nothing-here' });
    assert.equal(api.statusCode, 404);
  });
});

describe('login limiter', () => {
  it('locks a user after 5 failures in a row for 15 minutes; success clears', () => {
    let now = 0;
    const l = new LoginLimiter({ now: () => now });
    for (let i = 0; i < 4; i++) l.failed('1.1.1.1', 'u');
    assert.equal(l.check('1.1.1.1', 'u').wait, 0);
    l.failed('1.1.1.1', 'u');
    assert.ok(l.check('2.2.2.2', 'u').wait > 0);
    now += 15 * 60_000;
    assert.equal(l.check('2.2.2.2', 'u').wait, 0);
    l.succeeded('u');
    for (let i = 0; i < 20; i++) l.failed('3.3.3.3', `n${i}`);
    assert.match(l.check('3.3.3.3', 'other').reason, /address/);
  });
});

describe('session cookie under TLS', { timeout: 60_000 }, () => {
  it('is marked Secure when the API is served over HTTPS', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { request } = await import('node:https');
    const dir = mkdtempSync(join(tmpdir(), 'gdns-ui-tls-'));
    const scratch = await createScratchStore('sqlite');
    const store = await openStore(scratch.where);
    const cat = await Catalog.open(store, { pollMs: 0 });
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore', timeout: 20_000 });
      const app = await createApi({ catalog: cat, fileZones: () => new ZoneSet([]), keys: new ApiKeyRing([], store),
        https: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) } });
      await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const port = (app.server.address() as { port: number }).port;
        const cookie = await new Promise<string>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, method: 'POST', path: `${G}/auth/signup`, rejectUnauthorized: false, timeout: 10_000,
            headers: { 'content-type': 'application/json' } }, (res) => { res.resume(); resolve(String(res.headers['set-cookie'])); });
          req.on('error', reject);
          req.end(JSON.stringify({ name: 'tls-admin', password: 'tls-password-1' }));
        });
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /; Secure/);
      } finally {
        await app.close();
      }
    } finally {
      await cat.close();
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
