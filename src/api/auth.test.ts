import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKit, Z, KEY } from './test-kit.js';
import type { Kit } from './test-kit.js';
import type { ApiPlugin } from './context.js';
import { ApiError } from './errors.js';

const T = { timeout: 60_000 };
const txt = (name: string, content: string) => ({ rrsets: [{ name, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content }] }] });

/** A plugin like the UI's: a session header authenticates as a read-only viewer. */
const sessionPlugin: ApiPlugin = async (_app, ctx) => {
  ctx.addAuthenticator((req) => {
    const s = req.headers['x-test-session'];
    if (s === undefined) return undefined;
    if (s !== 'good') throw new ApiError(401, 'session expired');
    return { id: 'session:1', label: 'viewer', kind: 'session', role: 'viewer', scopes: [{ readOnly: true }] };
  });
};

describe('api keys, scopes, allow-from', { ...T, concurrency: false }, () => {
  let k: Kit;
  before(async () => {
    k = await startKit('sqlite', { deps: { plugins: [sessionPlugin] } });
    for (const name of ['example.org.', 'other.org.']) {
      assert.equal((await k.req('POST', Z, { name, kind: 'Native', nameservers: [`ns1.${name}`] })).status, 201);
    }
  });
  after(async () => { await k?.close(); });

  const as = (key: string) => ({ 'x-api-key': key });
  const newKey = async (scopes: unknown): Promise<string> => {
    const r = await k.req('POST', '/api/v1/servers/localhost/apikeys', { name: 'k', scopes });
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.key, /^gdns_[A-Za-z0-9_-]{43}$/);
    return r.json.key as string;
  };

  it('no key, a wrong key: 401 as PowerDNS (JSON when asked, WWW-Authenticate)', async () => {
    const none = await k.req('GET', Z, undefined, { 'x-api-key': '' });
    assert.equal(none.status, 401);
    const r = await k.app.inject({ url: Z, remoteAddress: '127.0.0.1', headers: { accept: 'application/json' } });
    assert.equal(r.statusCode, 401);
    assert.deepEqual(JSON.parse(r.body), { error: 'Unauthorized' });
    assert.equal(r.headers['www-authenticate'], 'X-API-Key realm="PowerDNS"');
    assert.equal((await k.req('GET', Z, undefined, as('wrong'))).status, 401);
  });

  it('a key in the URL is refused, even the right one', async () => {
    const r = await k.app.inject({ url: `${Z}?api-key=${KEY}`, remoteAddress: '127.0.0.1' });
    assert.equal(r.statusCode, 401);
    assert.match(JSON.parse(r.body).error, /X-API-Key header/);
  });

  it('clients outside allow-from are refused before anything else (default: loopback and private networks)', async () => {
    for (const [addr, ok] of [['203.0.113.5', false], ['10.1.2.3', true], ['192.168.1.1', true], ['fd00::1', true], ['::ffff:127.0.0.1', true], ['2001:db8::1', false]] as const) {
      const r = await k.app.inject({ url: Z, remoteAddress: addr, headers: { 'x-api-key': KEY } });
      assert.equal(r.statusCode, ok ? 200 : 403, addr);
    }
  });

  it('a read-only key reads and cannot write', async () => {
    const key = await newKey([{ readOnly: true }]);
    assert.equal((await k.req('GET', `${Z}/example.org.`, undefined, as(key))).status, 200);
    const w = await k.req('PATCH', `${Z}/example.org.`, txt('a.example.org.', '"x"'), as(key));
    assert.equal(w.status, 403);
    assert.match(w.json.error, /may not change example\.org\. a\.example\.org\. TXT/);
    assert.equal((await k.req('POST', Z, { name: 'new.org.', kind: 'Native' }, as(key))).status, 403);
    assert.equal((await k.req('PUT', `${Z}/example.org./notify`, undefined, as(key))).status, 403);
  });

  it('private DNSSEC keys only for keys that may change the whole zone', async () => {
    assert.equal((await k.req('POST', Z, { name: 'signed.org.', kind: 'Native', dnssec: true, nameservers: ['ns1.signed.org.'] })).status, 201);
    const list = await k.req('GET', `${Z}/signed.org./cryptokeys`);
    const id = list.json[0].id as number;
    const ro = await newKey([{ readOnly: true }]);
    assert.equal((await k.req('GET', `${Z}/signed.org./cryptokeys`, undefined, as(ro))).status, 200);
    assert.equal((await k.req('GET', `${Z}/signed.org./cryptokeys/${id}`, undefined, as(ro))).status, 403);
    const acme = await newKey([{ names: ['_acme-challenge.*'], types: ['TXT'], readOnly: false }]);
    assert.equal((await k.req('GET', `${Z}/signed.org./cryptokeys/${id}`, undefined, as(acme))).status, 403);
    assert.match((await k.req('GET', `${Z}/signed.org./cryptokeys/${id}`)).json.privatekey, /Private-key-format/);
  });

  it('a zones scope sees and changes only its zones', async () => {
    const key = await newKey([{ zones: ['example.org.'], readOnly: false }]);
    assert.deepEqual((await k.req('GET', Z, undefined, as(key))).json.map((z: { name: string }) => z.name), ['example.org.']);
    assert.equal((await k.req('GET', `${Z}/signed.org.`, undefined, as(key))).status, 403);
    assert.equal((await k.req('GET', `${Z}/other.org.`, undefined, as(key))).status, 403);
    assert.equal((await k.req('PATCH', `${Z}/example.org.`, txt('a.example.org.', '"x"'), as(key))).status, 204);
    assert.equal((await k.req('PATCH', `${Z}/other.org.`, txt('a.other.org.', '"x"'), as(key))).status, 403);
    assert.equal((await k.req('PUT', `${Z}/example.org./metadata/X-A`, { metadata: ['1'] }, as(key))).status, 200);
    assert.equal((await k.req('POST', '/api/v1/servers/localhost/tsigkeys', { name: 't', algorithm: 'hmac-sha256' }, as(key))).status, 403);
    assert.equal((await k.req('GET', '/api/v1/servers/localhost/apikeys', undefined, as(key))).status, 403);
  });

  it('a cert-manager scope: TXT under _acme-challenge only', async () => {
    const key = await newKey([{ zones: ['example.org.'], names: ['_acme-challenge.*'], types: ['TXT'], readOnly: false }]);
    assert.equal((await k.req('PATCH', `${Z}/example.org.`, txt('_acme-challenge.www.example.org.', '"token"'), as(key))).status, 204);
    assert.equal((await k.req('PATCH', `${Z}/example.org.`, txt('www.example.org.', '"x"'), as(key))).status, 403);
    const a = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [{ name: '_acme-challenge.example.org.', type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.1' }] }] }, as(key));
    assert.equal(a.status, 403);
    // One refused RRset refuses the whole PATCH: nothing written.
    const mixed = await k.req('PATCH', `${Z}/example.org.`, { rrsets: [txt('_acme-challenge.b.example.org.', '"ok"').rrsets[0], txt('b.example.org.', '"no"').rrsets[0]] }, as(key));
    assert.equal(mixed.status, 403);
    const g = await k.req('GET', `${Z}/example.org.`, undefined, as(key));
    assert.deepEqual(g.json.rrsets.map((s: { name: string }) => s.name), ['_acme-challenge.www.example.org.']);
    assert.equal((await k.req('DELETE', `${Z}/example.org.`, undefined, as(key))).status, 403);
    // NOTIFY changes nothing: a key that may write something in the zone may ask for it (lego does).
    assert.equal((await k.req('PUT', `${Z}/example.org./notify`, undefined, as(key))).status, 200);
    assert.equal((await k.req('PUT', `${Z}/other.org./notify`, undefined, as(key))).status, 403);
  });

  it('a types scope', async () => {
    const key = await newKey([{ types: ['TXT', 'CAA'], readOnly: false }]);
    assert.equal((await k.req('PATCH', `${Z}/other.org.`, txt('t.other.org.', '"x"'), as(key))).status, 204);
    assert.equal((await k.req('PATCH', `${Z}/other.org.`, { rrsets: [{ name: 'm.other.org.', type: 'MX', ttl: 60, changetype: 'REPLACE', records: [{ content: '10 mx.other.org.' }] }] }, as(key))).status, 403);
  });

  it('changing scopes and revoking take effect at once', async () => {
    const key = await newKey([{ readOnly: true }]);
    const id = (await k.req('GET', '/api/v1/servers/localhost/apikeys')).json.at(-1).id as number;
    assert.equal((await k.req('PUT', `/api/v1/servers/localhost/apikeys/${id}`, { scopes: [{ zones: ['other.org.'], readOnly: false }] })).status, 200);
    assert.equal((await k.req('PATCH', `${Z}/other.org.`, txt('r.other.org.', '"x"'), as(key))).status, 204);
    assert.equal((await k.req('DELETE', `/api/v1/servers/localhost/apikeys/${id}`)).status, 204);
    assert.equal((await k.req('GET', Z, undefined, as(key))).status, 401);
    assert.equal((await k.req('POST', '/api/v1/servers/localhost/apikeys', { name: 'x', scopes: [{ zone: 'a' }] })).status, 422);
  });

  it('30 refused keys in a minute from one client: 429 until the minute is over, others unaffected', async () => {
    const from = (addr: string, key: string) => k.app.inject({ url: Z, remoteAddress: addr, headers: { 'x-api-key': key } });
    for (let i = 0; i < 30; i++) assert.equal((await from('10.9.9.9', `guess${i}`)).statusCode, 401);
    assert.equal((await from('10.9.9.9', 'guess')).statusCode, 429);
    assert.equal((await from('10.9.9.9', 'test-bootstrap-key')).statusCode, 429);
    assert.equal((await from('10.9.9.8', 'test-bootstrap-key')).statusCode, 200);
  });

  it('a plugin authenticator (session) works like a key; X-API-Key wins; a bad session is 401', async () => {
    assert.equal((await k.req('GET', Z, undefined, { 'x-api-key': '', 'x-test-session': 'good' })).status, 401);
    const r = await k.app.inject({ url: Z, remoteAddress: '127.0.0.1', headers: { 'x-test-session': 'good' } });
    assert.equal(r.statusCode, 200);
    const w = await k.app.inject({ method: 'PATCH', url: `${Z}/example.org.`, remoteAddress: '127.0.0.1', headers: { 'x-test-session': 'good' }, payload: txt('s.example.org.', '"x"') });
    assert.equal(w.statusCode, 403);
    const bad = await k.app.inject({ url: Z, remoteAddress: '127.0.0.1', headers: { 'x-test-session': 'old', accept: 'application/json' } });
    assert.equal(bad.statusCode, 401);
    assert.equal(JSON.parse(bad.body).error, 'session expired');
  });
});
