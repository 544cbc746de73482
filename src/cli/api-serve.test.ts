import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSettings } from './api-serve.js';

describe('api settings (flags and the api: section)', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'gdns-api-cfg-')); writeFileSync(join(dir, 'key'), 'from-file\nignored\n'); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is off without a listen address', () => {
    assert.equal(apiSettings(undefined, {}), null);
    assert.throws(() => apiSettings(undefined, { apiKey: 'k' }), /--api-key needs --api-listen/);
  });

  it('reads the section, relative paths from the config folder, flags on top', () => {
    const s = apiSettings({ listen: '127.0.0.1:8081', 'key-file': 'key', 'allow-from': ['10.0.0.0/8'], tls: { cert: 'c.pem', key: 'k.pem' } }, {}, dir)!;
    assert.deepEqual(s.listen, { host: '127.0.0.1', port: 8081 });
    assert.deepEqual(s.keys, ['from-file']);
    assert.deepEqual(s.allowFrom, ['10.0.0.0/8']);
    assert.deepEqual(s.tls, { cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') });
    const f = apiSettings({ listen: '127.0.0.1:8081' }, { apiListen: ['[::1]:9000', '127.0.0.1:9001'], apiKey: 'flag', apiAllowFrom: '127.0.0.1, ::1/128' }, dir)!;
    assert.deepEqual(f.listen, { host: '::1', port: 9000 });
    assert.deepEqual(f.also, [{ host: '127.0.0.1', port: 9001 }]);
    assert.deepEqual(apiSettings({ listen: ['127.0.0.1:1', '[::1]:1'] })!.also, [{ host: '::1', port: 1 }]);
    assert.deepEqual(f.keys, ['flag']);
    assert.deepEqual(f.allowFrom, ['127.0.0.1', '::1/128']);
    assert.equal(f.tls, null);
  });

  it('refuses what makes no sense, naming it', () => {
    assert.throws(() => apiSettings({ listen: '127.0.0.1:1', port: 2 }), /api\.port: unknown setting/);
    assert.throws(() => apiSettings({ listen: '127.0.0.1:1', 'allow-from': ['10.0.0.0/33'] }), /"10\.0\.0\.0\/33" is not an address or network/);
    assert.throws(() => apiSettings({ listen: '127.0.0.1:1' }, { apiTlsCert: 'c.pem' }), /both a TLS certificate and its key/);
    assert.throws(() => apiSettings({ listen: '127.0.0.1:1' }, { apiKeyFile: join(dir, 'missing') }), /--api-key-file: cannot read/);
    assert.throws(() => apiSettings({ listen: 'nowhere' }), /listen/);
  });
});
