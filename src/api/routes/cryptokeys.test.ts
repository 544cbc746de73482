import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { RRType } from '../../wire/index.js';
import { Catalog } from '../../catalog/index.js';
import { generateKey, iscPrivateKey } from '../../dnssec/index.js';
import { createScratchStore, openStore } from '../../store/index.js';
import type { ScratchStore } from '../../store/index.js';
import { ZoneSet } from '../../zone/index.js';
import { createApi } from '../server.js';
import { ApiKeyRing } from '../keys.js';

const T = { timeout: 60_000 };
const KEY = 'test-key';
const Z = '/api/v1/servers/localhost/zones/keys.test.';

describe('PowerDNS cryptokeys endpoints (sqlite)', { ...T, concurrency: false }, () => {
  let scratch: ScratchStore;
  let cat: Catalog;
  let app: FastifyInstance;
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await app.inject({
      method: method as 'GET', url, payload: payload === undefined ? undefined : JSON.stringify(payload),
      headers: { 'x-api-key': KEY, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    });
    let json: unknown = null;
    try { json = res.body ? JSON.parse(res.body) as unknown : null; } catch { json = res.body; }
    return { status: res.statusCode, json };
  };
  const apex = () => cat.zone('keys.test.')!.apex;

  before(async () => {
    scratch = await createScratchStore('sqlite');
    const store = await openStore(scratch.where);
    cat = await Catalog.open(store, { pollMs: 0 });
    app = await createApi({ catalog: cat, fileZones: () => new ZoneSet([]), keys: new ApiKeyRing([KEY], store) });
    await cat.createZone({ name: 'keys.test.', records: [
      { name: 'keys.test.', type: 'SOA', content: 'ns1.keys.test. hostmaster.keys.test. 1 3600 600 86400 300' },
      { name: 'keys.test.', type: 'NS', content: 'ns1.keys.test.' },
      { name: 'ns1.keys.test.', type: 'A', content: '192.0.2.53' },
    ] }, 'test');
  });
  after(async () => {
    await app?.close();
    await cat?.close();
    await scratch?.drop();
  });

  it('POST an active CSK signs the zone; the answer has DNSKEY, DS (SHA-256, SHA-384) and the private key', async () => {
    assert.deepEqual((await call('GET', `${Z}/cryptokeys`)).json, []);
    const r = await call('POST', `${Z}/cryptokeys`, { keytype: 'csk', active: true, algorithm: 'ecdsa256' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const k = r.json as Record<string, unknown>;
    assert.equal(k.type, 'Cryptokey');
    assert.equal(k.keytype, 'csk');
    assert.equal(k.active, true);
    assert.equal(k.published, true);
    assert.equal(k.flags, 257);
    assert.equal(k.algorithm, 'ECDSAP256SHA256');
    assert.equal(k.bits, 256);
    assert.match(String(k.dnskey), /^257 3 13 \S+$/);
    assert.deepEqual((k.ds as string[]).map((d) => d.split(' ').slice(1, 3).join(' ')), ['13 2', '13 4']);
    assert.match(String(k.privatekey), /^Private-key-format: v1\.2\nAlgorithm: 13 \(ECDSAP256SHA256\)\nPrivateKey: /);
    assert.ok(apex().get(RRType.DNSKEY) !== undefined, 'the served zone is signed when the POST returns');
    const list = (await call('GET', `${Z}/cryptokeys`)).json as Record<string, unknown>[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.privatekey, undefined, 'the list leaves private keys out');
    const one = (await call('GET', `${Z}/cryptokeys/${String(k.id)}`)).json as Record<string, unknown>;
    assert.equal(one.privatekey, k.privatekey);
  });

  it('algorithm names as PowerDNS accepts them; an imported BIND private key keeps its key tag', async () => {
    for (const algorithm of ['ED25519', 15, '14', 'ecdsa384']) {
      const r = await call('POST', `${Z}/cryptokeys`, { keytype: 'zsk', active: false, algorithm });
      assert.equal(r.status, 201, `${String(algorithm)}: ${JSON.stringify(r.json)}`);
      assert.equal((r.json as Record<string, unknown>).active, false);
      await call('DELETE', `${Z}/cryptokeys/${String((r.json as Record<string, unknown>).id)}`);
    }
    const mine = generateKey(13, { flags: 256 });
    const r = await call('POST', `${Z}/cryptokeys`, { keytype: 'zsk', active: false, privatekey: iscPrivateKey(mine) });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.match(String((r.json as Record<string, unknown>).dnskey), new RegExp(`^256 3 13 ${Buffer.from(mine.publicKey).toString('base64').replace(/[+/]/g, '.')}$`));
    await call('DELETE', `${Z}/cryptokeys/${String((r.json as Record<string, unknown>).id)}`);
  });

  it('refuses what PowerDNS refuses, with its messages (422, 404, 400)', async () => {
    const cases: [unknown, RegExp][] = [
      [{ keytype: 'big' }, /^Invalid keytype big$/],
      [{ active: true }, /Key 'keytype' not present or not a String/],
      [{ keytype: 'ksk', algorithm: 'rsasha1' }, /^Unknown algorithm: rsasha1$/],
      [{ keytype: 'ksk', algorithm: 13, bits: 1024 }, /does not support the given bit size/],
      [{ keytype: 'ksk', bits: -1 }, /'bits' must be a positive integer value/],
      [{ keytype: 'ksk', privatekey: 'x', algorithm: 13 }, /Either you submit just the 'privatekey' field/],
      [{ keytype: 'ksk', privatekey: 'garbage' }, /Key could not be parsed/],
    ];
    for (const [body, msg] of cases) {
      const r = await call('POST', `${Z}/cryptokeys`, body);
      assert.equal(r.status, 422, JSON.stringify(body));
      assert.match(String((r.json as Record<string, unknown>).error), msg);
    }
    assert.equal((await call('GET', `${Z}/cryptokeys/999`)).status, 404);
    assert.equal((await call('PUT', `${Z}/cryptokeys/999`, { active: true })).status, 404);
    assert.equal((await call('DELETE', `${Z}/cryptokeys/abc`)).status, 400);
    assert.equal((await call('GET', '/api/v1/servers/localhost/zones/none.test./cryptokeys')).status, 404);
  });

  it('PUT deactivates and unpublishes; DELETE of the last key leaves the zone unsigned; each raises the serial', async () => {
    const id = ((await call('GET', `${Z}/cryptokeys`)).json as Record<string, unknown>[])[0]!.id;
    const s0 = cat.zone('keys.test.')!.serial;
    assert.equal((await call('PUT', `${Z}/cryptokeys/${String(id)}`, { active: false })).status, 204);
    assert.ok(cat.zone('keys.test.')!.serial > s0);
    assert.equal(apex().get(RRType.DNSKEY), undefined, 'no active key: served unsigned');
    assert.equal((await call('PUT', `${Z}/cryptokeys/${String(id)}`, { active: true })).status, 204);
    assert.ok(apex().get(RRType.DNSKEY) !== undefined);
    const k = (await call('GET', `${Z}/cryptokeys/${String(id)}`)).json as Record<string, unknown>;
    assert.deepEqual([k.active, k.published], [true, true]);
    assert.equal((await call('DELETE', `${Z}/cryptokeys/${String(id)}`)).status, 204);
    assert.equal(apex().get(RRType.DNSKEY), undefined);
    assert.deepEqual((await call('GET', `${Z}/cryptokeys`)).json, []);
  });

  it('Geodesic\'s DNSSEC view and rollover controls: state, keys with states, DS; rollover started, refused twice; ds-seen refused when not waiting', async () => {
    const G = '/api/v1/geodesic/zones/keys.test./dnssec';
    assert.equal((await call('POST', `${Z}/cryptokeys`, { keytype: 'csk', active: true })).status, 201);
    const v = (await call('GET', G)).json as Record<string, unknown>;
    assert.equal(v.dnssec, true);
    assert.equal(v.nsec3param, '1 0 0 -');
    assert.equal((v.keys as Record<string, unknown>[])[0]!.state, 'active');
    assert.equal((v.ds as string[]).length, 2);
    assert.equal(v.rollover, null);
    const r = await call('POST', `${G}/rollover`, { keytype: 'csk' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal((r.json as Record<string, unknown>).step, 'publish');
    assert.equal((await call('POST', `${G}/rollover`, { keytype: 'csk' })).status, 422);
    assert.equal((await call('POST', `${G}/rollover`, { keytype: 'zsk' })).status, 422);
    assert.equal((await call('POST', `${G}/ds-seen`, {})).status, 422);
    const after = (await call('GET', G)).json as Record<string, unknown>;
    assert.equal((after.keys as unknown[]).length, 2);
    assert.equal((after.rollover as Record<string, unknown>).kind, 'sep');
    assert.equal((await call('POST', `${G}/unsign`, {})).status, 422, 'not while a rollover runs');
  });
});
