import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { HealthPlane } from '../../health/index.js';
import { ZoneSet } from '../../zone/index.js';
import { createApi } from '../server.js';
import { ApiKeyRing } from '../keys.js';

const KEY = 'health-key';
const S = '/api/v1/servers/localhost';
let app: FastifyInstance;
const plane = new HealthPlane({ heartbeats: [{ name: 'home', token: 'beat-token-123', expireMs: 60_000 }] });

before(async () => {
  app = await createApi({ catalog: null, fileZones: () => new ZoneSet([]), keys: new ApiKeyRing([KEY], null), services: { health: plane } });
});
after(async () => { await app.close(); plane.close(); });

async function call(method: string, url: string, payload?: unknown, key: string | null = KEY) {
  const res = await app.inject({
    method: method as 'GET', url, payload: payload === undefined ? undefined : JSON.stringify(payload),
    headers: { ...(key === null ? {} : { 'x-api-key': key }), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
  });
  let json: Record<string, unknown> | null = null;
  try { json = JSON.parse(res.body) as Record<string, unknown>; } catch { json = null; }
  return { status: res.statusCode, json };
}

test('heartbeat (no key), state with history, drain and undrain, states for a secondary', { timeout: 20_000 }, async () => {
  assert.equal((await call('POST', '/api/v1/heartbeat/wrong', undefined, null)).status, 404);
  const beat = await call('POST', '/api/v1/heartbeat/beat-token-123', undefined, null);
  assert.deepEqual([beat.status, beat.json], [200, { endpoint: 'home' }]);
  assert.equal((await call('GET', `${S}/health`, undefined, null)).status, 401);
  const h = await call('GET', `${S}/health`);
  const t = (h.json!.targets as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual([t.check, t.state, t.effective, t.source], ['heartbeat home', 'up', 'up', 'heartbeat']);
  const drained = await call('PUT', `${S}/endpoints/home`, { override: 'drain', reason: 'router swap' });
  assert.equal(drained.status, 200);
  assert.equal((drained.json!.targets as Array<Record<string, unknown>>)[0]!.effective, 'down');
  const one = await call('GET', `${S}/endpoints/home`);
  assert.equal(one.json!.override, 'drain');
  assert.deepEqual((await call('GET', `${S}/health`)).json!.overrides, [{ name: 'home', override: 'drain' }]);
  assert.equal((await call('PUT', `${S}/endpoints/home`, { override: 'sideways' })).status, 422);
  await call('PUT', `${S}/endpoints/home`, { override: null });
  assert.equal((await call('GET', `${S}/endpoints/home`)).json!.override, null);
  assert.equal((await call('GET', `${S}/endpoints/nowhere`)).status, 404);
  const states = await call('GET', `${S}/health/states`);
  assert.deepEqual(states.json, [{ key: 'heartbeat home', state: 'up', weight: 0, since: (t as { since: number }).since }]);
});

test('geo/compile gives LUA record content; geo/parse reads it back; bad rules are 422 with the reason', async () => {
  const rule = { rule: 'failover', endpoints: [{ name: 'a', address: '192.0.2.1', priority: 1 }, { name: 'b', address: '192.0.2.2', priority: 2 }] };
  const c = await call('POST', `${S}/geo/compile`, { type: 'A', rule });
  assert.equal(c.status, 200);
  assert.match(c.json!.content as string, /^A ";--\[==\[geodesic-geo \{\\"rule\\":\\"failover\\"/);
  const back = await call('POST', `${S}/geo/parse`, { content: c.json!.content });
  assert.deepEqual(back.json, { type: 'A', rule });
  const bad = await call('POST', `${S}/geo/compile`, { type: 'A', rule: { ...rule, rule: 'nearest' } });
  assert.deepEqual([bad.status, bad.json!.error], [422, '"rule" must be closest, map, weighted or failover, not "nearest"']);
  assert.equal((await call('POST', `${S}/geo/compile`, { type: 'AAAA', rule })).status, 422);
  assert.deepEqual((await call('POST', `${S}/geo/parse`, { content: 'A "pickrandom({\'192.0.2.1\'})"' })).json, { type: 'A', rule: null });
});
