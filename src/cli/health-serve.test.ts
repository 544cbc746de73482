import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { HealthPlane } from '../health/index.js';
import { healthSettings, registerHealthMetrics } from './health-serve.js';

test('health: section and flags; errors name the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geodesic-health-cfg-'));
  try {
    writeFileSync(join(dir, 'home.token'), 'a-long-enough-secret\n');
    writeFileSync(join(dir, 'ns1.key'), 'key-of-ns1\n');
    const s = healthSettings({
      interval: '200ms', timeout: '1s', rise: 2, fall: 3, expire: '10m',
      heartbeats: [{ endpoint: 'home', 'token-file': 'home.token', expire: '90s' }],
      follow: { primary: 'http://ns1.example.net:8081/', 'api-key-file': 'ns1.key' },
    }, {}, 'g.yaml', dir);
    assert.deepEqual(s, {
      defaults: { intervalMs: 200, timeoutMs: 1000, rise: 2, fall: 3 }, expireMs: 600_000,
      heartbeats: [{ name: 'home', token: 'a-long-enough-secret', expireMs: 90_000 }],
      follow: { url: 'http://ns1.example.net:8081', apiKey: 'key-of-ns1', intervalMs: 2000, timeoutMs: 2000 }, overridesFile: null,
    });
    assert.equal(healthSettings(undefined, { healthFollow: 'http://10.0.0.1:8081' }).follow?.url, 'http://10.0.0.1:8081');
    assert.throws(() => healthSettings({ intervall: '1s' }, {}, 'g.yaml'), /g.yaml: unknown setting "health.intervall"/);
    assert.throws(() => healthSettings({ heartbeats: [{ endpoint: 'x', token: 'short' }] }, {}, 'g.yaml'), /health.heartbeats\[0\].token: expected at least 16 characters/);
    assert.throws(() => healthSettings({ fall: 0 }, {}, 'g.yaml'), /health.fall: expected a whole number from 1 to 100/);
    assert.throws(() => healthSettings({ follow: { primary: 'ns1:8081' } }, {}, 'g.yaml'), /expected the primary's API URL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metrics: a gauge per target with its override', async () => {
  const plane = new HealthPlane({ heartbeats: [{ name: 'home', token: 'a-long-enough-secret', expireMs: 60_000 }] });
  try {
    const r = new Registry();
    registerHealthMetrics(r, plane);
    plane.heartbeat('a-long-enough-secret');
    plane.setOverride('home', 'drain');
    const text = await r.metrics();
    assert.match(text, /geodesic_health_target_up\{check="heartbeat home",names="home",override="drain"\} 0/);
    assert.match(text, /geodesic_health_checks_total\{result="ok"\} 1/);
  } finally {
    plane.close();
  }
});

test('overrides-file: drains survive a restart', async () => {
  const { default: pino } = await import('pino');
  const { startHealth, DEFAULT_HEALTH } = await import('./health-serve.js');
  const dir = mkdtempSync(join(tmpdir(), 'geodesic-health-ovr-'));
  const log = pino({ level: 'silent' });
  try {
    const settings = healthSettings({ 'overrides-file': 'overrides.json' }, {}, 'g.yaml', dir);
    assert.equal(settings.overridesFile, join(dir, 'overrides.json'));
    const first = startHealth({ ...DEFAULT_HEALTH, ...settings }, log);
    first.setOverride('fra', 'drain', 'maintenance');
    first.setOverride('ams', 'force-up');
    first.setOverride('ams', null);
    first.close();
    const second = startHealth({ ...DEFAULT_HEALTH, ...settings }, log);
    assert.deepEqual(second.overridesList(), [{ name: 'fra', override: 'drain' }]);
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
