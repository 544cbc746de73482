import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RelayError } from './errors.js';
import { relayOptionsFromConfig, relayOptionsFromQuick } from './relay-config.js';

const base = {
  listeners: [{ name: 'https', listen: '127.0.0.1:8443', routes: [{ sni: ['A.Example.', '*.b.example'], pool: 'web' }], default: 'web', idle_timeout: '30s' }],
  pools: { web: { balance: 'least_conn', proxy_protocol: 'v2', servers: ['10.0.0.1:443', { address: '[2001:db8::1]:443', weight: 2, backup: true }], health_check: { type: 'http', path: '/healthz', interval: '2s' } } },
  defaults: { max_connections_per_client: 10, client_hello_timeout: '3s' },
  health_listen: '127.0.0.1:9180',
};

describe('relayOptionsFromConfig', () => {
  it('converts a full relay section with defaults applied', () => {
    const o = relayOptionsFromConfig(base);
    const l = o.listeners[0]!;
    assert.equal(l.host, '127.0.0.1');
    assert.equal(l.port, 8443);
    assert.deepEqual(l.routes[0]!.sni, ['a.example', '*.b.example']);
    assert.equal(l.idleTimeoutMs, 30_000);
    assert.equal(l.clientHelloTimeoutMs, 3000);
    assert.equal(l.maxConnectionsPerClient, 10);
    assert.equal(l.peek, true);
    const p = o.pools[0]!;
    assert.equal(p.balance, 'least-conn');
    assert.equal(p.proxyProtocol, 'v2');
    assert.deepEqual(p.servers[1], { host: '2001:db8::1', port: 443, weight: 2, backup: true, maxConnections: 0 });
    assert.equal(p.healthCheck?.intervalMs, 2000);
    assert.deepEqual(o.healthListen, { host: '127.0.0.1', port: 9180 });
  });

  it('rejects unknown keys, unknown pools, bad durations and bad names with a path', () => {
    const bad: [unknown, RegExp][] = [
      [{ ...base, listners: [] }, /relay\.listners: unknown key/],
      [{ ...base, listeners: [{ listen: ':1', default: 'nope' }] }, /unknown pool "nope"/],
      [{ ...base, listeners: [{ listen: ':1', idle_timeout: 'soon', default: 'web' }] }, /idle_timeout/],
      [{ ...base, listeners: [{ listen: ':1', routes: [{ sni: 'bad name', pool: 'web' }] }] }, /not a name/],
      [{ ...base, pools: { web: { servers: ['nohost'] } } }, /servers\[0\]\.address/],
    ];
    for (const [cfg, re] of bad) assert.throws(() => relayOptionsFromConfig(cfg), (e: unknown) => e instanceof RelayError && e.code === 'GDNS_ERR_RELAY_CONFIG' && re.test(e.message));
  });

  it('builds the quick form', () => {
    const o = relayOptionsFromQuick({ listen: '127.0.0.1:0', routes: ['a.test=127.0.0.1:1,127.0.0.1:2'], default: '127.0.0.1:3', proxyProtocol: 'v1' });
    assert.equal(o.pools.length, 2);
    assert.equal(o.pools[0]!.servers.length, 2);
    assert.equal(o.pools[0]!.proxyProtocol, 'v1');
    assert.equal(o.listeners[0]!.defaultPool, 'default');
    assert.equal(o.pools[0]!.healthCheck, undefined);
    const h = relayOptionsFromQuick({ listen: ':443', routes: [], default: '10.0.0.1:443', healthListen: '127.0.0.1:9180', udp: true });
    assert.equal(h.pools[0]!.healthCheck?.type, 'tcp', 'a health listener turns on TCP checks');
    assert.deepEqual(h.listeners.map((l) => l.protocol), ['tcp', 'udp']);
  });
});
