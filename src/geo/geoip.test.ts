import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressFromText } from './address.js';
import { GeoIp } from './geoip.js';
import { MmdbFile } from './mmdb-file.js';
import { GeoError } from './errors.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;
const a = addressFromText;

test('MaxMind City layout: country, continent, region, city, location, network prefix', () => {
  const g = new GeoIp({ files: [`${T}GeoIP2-City-Test.mmdb`] });
  const loc = g.locate(a('81.2.69.160'), g.newLocation());
  const r = g.record(loc);
  assert.equal(r.country, 'GB');
  assert.equal(r.continent, 'EU');
  assert.equal(r.region, 'ENG');
  assert.equal(r.city, 'London');
  assert.deepEqual([r.lat, r.lon], [51.5142, -0.0931]);
  assert.equal(loc.prefix, 27); // 81.2.69.160/27 in the test database
  assert.equal(g.lookup(a('2001:218::1')).country, 'JP');
});

test('several files in order: City then ASN; a field comes from the first file that has it', () => {
  const g = new GeoIp({ files: [`${T}GeoIP2-City-Test.mmdb`, `${T}GeoLite2-ASN-Test.mmdb`] });
  const r = g.lookup(a('1.128.0.1'));
  assert.equal(r.asn, 1221);
  assert.equal(r.asnOrg, 'Telstra Pty Ltd');
  assert.equal(g.lookup(a('81.2.69.160')).city, 'London');
});

test('the bundled CC0 country database, with country positions and continents', () => {
  const g = new GeoIp();
  const r = g.lookup(a('78.142.195.195'));
  assert.equal(r.country, 'NL');
  assert.equal(r.continent, 'EU');
  assert.ok(r.hasLocation);
  assert.equal(g.lookup(a('8.8.8.8')).country, 'US');
});

test('overrides: longest match, fields over the databases, and the prefix that keeps the outcome', () => {
  const g = new GeoIp({
    files: [`${T}GeoIP2-City-Test.mmdb`],
    overrides: [{ network: '10.0.0.0/8', country: 'nl', lat: 52, lon: 5 }, { network: '10.1.0.0/16', country: 'BE' },
      { network: '81.2.69.160/30', city: 'Elsewhere' }],
  });
  assert.deepEqual([g.lookup(a('10.2.3.4')).country, g.lookup(a('10.2.3.4')).lat], ['NL', 52]);
  assert.equal(g.lookup(a('10.1.3.4')).country, 'BE');
  const loc = g.locate(a('81.2.69.161'), g.newLocation());
  assert.equal(g.record(loc).city, 'Elsewhere');
  assert.equal(g.record(loc).country, 'GB');
  assert.equal(loc.prefix, 30);
  // Outside the /30 but inside the database's /27: the outcome holds only for the /29 around it.
  assert.equal(g.locate(a('81.2.69.170'), g.newLocation()).prefix, 29);
  assert.throws(() => new GeoIp({ overrides: [{ network: '10.0.0.0/33', country: 'NL' }] }), GeoError);
});

test('broken files are refused with a clear error', () => {
  for (const f of ['GeoIP2-City-Test-Invalid-Node-Count.mmdb', 'MaxMind-DB-test-broken-pointers-24.mmdb']) {
    assert.throws(() => new MmdbFile(`${T}${f}`), (e: unknown) => e instanceof GeoError && e.code === 'GDNS_ERR_GEO_DB_BROKEN');
  }
  assert.throws(() => new MmdbFile('/nonexistent.mmdb'), (e: unknown) => e instanceof GeoError && e.code === 'GDNS_ERR_GEO_DB_OPEN');
});

test('a file replaced on disk is reloaded; a broken replacement keeps the previous one serving', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geo-'));
  try {
    const path = join(dir, 'db.mmdb');
    copyFileSync(`${T}GeoIP2-Country-Test.mmdb`, path);
    const g = new GeoIp({ files: [path] });
    assert.equal(g.lookup(a('81.2.69.160')).city, null);
    copyFileSync(`${T}GeoIP2-City-Test.mmdb`, join(dir, 'new.mmdb'));
    renameSync(join(dir, 'new.mmdb'), path); // as geoipupdate does
    const events = g.refresh();
    assert.deepEqual(events.map((e) => e.error), [undefined]);
    assert.equal(g.generation, 1);
    assert.equal(g.lookup(a('81.2.69.160')).city, 'London');
    writeFileSync(join(dir, 'bad.mmdb'), 'not a database');
    renameSync(join(dir, 'bad.mmdb'), path);
    const bad = g.refresh();
    assert.equal(bad.length, 1);
    assert.ok(bad[0]!.error instanceof GeoError);
    assert.equal(g.generation, 1);
    assert.equal(g.lookup(a('81.2.69.160')).city, 'London');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
