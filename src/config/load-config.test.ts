import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load-config.js';
import { parseDuration, parseListen } from './parse-values.js';

const dir = mkdtempSync(join(tmpdir(), 'geodesic-config-'));
const write = (text: string): string => {
  const f = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, text);
  return f;
};

test('a full file is read, with relative paths resolved against its folder', () => {
  const { config } = loadConfig(write(`
listen: [127.0.0.1:53, "[::1]:5353"]
zones: { directory: zones, files: [{ name: example.com, file: db/example.com } ] }
transfer: { allow: [192.0.2.0/24], tsig-key: k }
keys: [{ name: k, algorithm: hmac-sha512, secret: c2VjcmV0 }]
rrl: { enabled: false, rate: 50, slip: 0, ipv4-prefix: 16, ipv6-prefix: 48 }
tcp: { idle-timeout: 500ms, max-connections: 10, max-connections-per-client: 2 }
udp: { max-size: 1400, io: dgram }
log: { level: debug }
`));
  assert.deepEqual(config.listen, [{ host: '127.0.0.1', port: 53 }, { host: '::1', port: 5353 }]);
  assert.equal(config.zones.directory, join(dir, 'zones'));
  assert.equal(config.zones.files[0]!.file, join(dir, 'db/example.com'));
  assert.equal(config.keys[0]!.algorithm, 'hmac-sha512');
  assert.equal(config.rrl.enabled, false);
  assert.equal(config.rrl.ipv4Prefix, 16);
  assert.equal(config.tcp.idleTimeoutMs, 500);
  assert.equal(config.udp.io, 'dgram');
});

test('mistakes are errors that name the file and the key', () => {
  const cases: Array<[string, RegExp]> = [
    ['listn: [1.2.3.4:53]', /unknown setting "listn"/],
    ['rrl: { rat: 5 }', /unknown setting "rrl\.rat"/],
    ['rrl: { rate: -1 }', /rrl\.rate: expected a whole number from 1/],
    ['rrl: { ipv4-prefix: 20 }', /in steps of 8/],
    ['udp: { io: fast }', /udp\.io: expected one of auto, native, dgram/],
    ['tcp: { idle-timeout: soon }', /tcp\.idle-timeout: "soon" is not a duration/],
    ['transfer: { tsig-key: nope }', /no key named "nope"/],
    ['keys: [{ name: k, secret: "not base64!" }]', /keys\[0\]\.secret: not base64/],
    ['listen: ["1.2.3.4:99999"]', /listen\[0\].*not ADDRESS:PORT/],
    ['listen: [1.2.3.4:53', /:\d+:\d+:/],
  ];
  for (const [text, want] of cases) {
    const file = write(text);
    assert.throws(() => loadConfig(file), (err: Error) => want.test(err.message) && err.message.includes(file), text);
  }
  assert.throws(() => loadConfig(join(dir, 'missing.yaml')), /cannot read config file/);
});

test('listen addresses and durations', () => {
  assert.deepEqual(parseListen('[2001:db8::1]:53', 'x'), { host: '2001:db8::1', port: 53 });
  assert.deepEqual(parseListen('2001:db8::1', 'x'), { host: '2001:db8::1', port: 53 });
  assert.deepEqual(parseListen('0.0.0.0', 'x'), { host: '0.0.0.0', port: 53 });
  assert.equal(parseDuration('2m', 'x'), 120_000);
  assert.equal(parseDuration(3, 'x'), 3000);
});
