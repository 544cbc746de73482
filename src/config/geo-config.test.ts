import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromObject } from './load-config.js';
import { ConfigError } from './parse-values.js';

test('geo: databases (relative to the file), reload interval, overrides, LUA records', () => {
  const c = configFromObject({
    geo: {
      databases: ['GeoLite2-City.mmdb', '/db/asn.mmdb'], 'reload-interval': '1m', 'lua-records': true, 'lua-exec-limit': 5000,
      overrides: [{ network: '10.0.0.0/8', country: 'NL', lat: 52.37, lon: 4.89 }],
    },
  }, 'g.yaml', '/etc/geodesic');
  assert.deepEqual(c.geo, {
    databases: ['/etc/geodesic/GeoLite2-City.mmdb', '/db/asn.mmdb'], reloadIntervalMs: 60_000, luaRecords: true,
    luaExecLimit: 5000, cacheSize: 100_000, overrides: [{ network: '10.0.0.0/8', country: 'NL', lat: 52.37, lon: 4.89 }],
  });
  assert.equal(configFromObject({}, 'g.yaml', '/').geo.luaRecords, false);
  assert.throws(() => configFromObject({ geo: { overrides: [{ network: '10.0.0.0/8', lat: 200 }] } }, 'g.yaml', '/'), ConfigError);
  assert.throws(() => configFromObject({ geo: { 'lua-record': true } }, 'g.yaml', '/'), /unknown setting "geo.lua-record"/);
});
