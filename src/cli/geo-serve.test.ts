import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { defaultConfig } from '../config/index.js';
import { Engine } from '../engine/index.js';
import { decodeMessage, encodeMessage, nameFromText } from '../wire/index.js';
import { ZoneSet, buildZone, parseZoneText } from '../zone/index.js';
import { startGeo } from './geo-serve.js';

const T = new URL('../../../shared/testdata/geoip/', import.meta.url).pathname;

test('startGeo: databases from the config, LUA failures and reloads logged', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'geo-serve-'));
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
  const log = pino({ level: 'info' }, sink);
  const db = join(dir, 'city.mmdb');
  copyFileSync(`${T}GeoIP2-City-Test.mmdb`, db);
  const config = { ...defaultConfig().geo, databases: [db], luaRecords: true, reloadIntervalMs: 50 };
  const stage = await startGeo(config, log);
  try {
    const engine = new Engine({ geo: stage });
    const origin = nameFromText('example.');
    engine.setZones(new ZoneSet([buildZone(origin, parseZoneText(
      '$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\nbad LUA A ";error(\'boom\')"\n', { origin }))]));
    const q = encodeMessage({
      id: 1, flags: 0, opcode: 0, rcode: 0, questions: [{ name: nameFromText('bad.example.'), type: 1, class: 1 }],
      answers: [], authority: [], additional: [], tsig: null, edns: null,
    });
    assert.equal(decodeMessage(engine.output.slice(0, engine.answer(q, q.length, { transport: 'udp', address: new Uint8Array([127, 0, 0, 1]), port: 1 }))).rcode, 2);
    writeFileSync(join(dir, 'new.mmdb'), 'broken');
    renameSync(join(dir, 'new.mmdb'), db);
    for (let i = 0; i < 100 && !lines.some((l) => l.event === 'geoip-reload-failed'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(lines.map((l) => l.event).filter((e) => e !== 'geoip-loaded'), ['lua-record-failed', 'geoip-reload-failed']);
    assert.equal(lines.find((l) => l.event === 'lua-record-failed')?.qname, 'bad.example.');
  } finally {
    stage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
