import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType, nameToText, rrsigTypeCovered, soaSerial } from '../wire/index.js';
import { createScratchStore, openStore } from '../store/index.js';
import { Catalog } from './index.js';

test('a signed zone keeps its signed differences for IXFR: the new RRset with its RRSIG, SOA old and new, NSEC3 changes', { timeout: 60_000 }, async () => {
  const scratch = await createScratchStore('sqlite');
  const cat = await Catalog.open(await openStore(scratch.where), { pollMs: 0 });
  try {
    const Z = 'ixfr.test.';
    await cat.createZone({ name: Z, records: [
      { name: Z, type: 'SOA', content: `ns.${Z} hm.${Z} 1 3600 600 86400 300` },
      { name: Z, type: 'NS', content: `ns.${Z}` }, { name: `ns.${Z}`, type: 'A', content: '192.0.2.1' },
    ] }, 't');
    await cat.dnssec.enable(Z);
    const s1 = cat.zone(Z)!.serial;
    assert.equal(cat.signing.ixfr(Z, cat.zone(Z)!, s1 - 1), null, 'nothing before the first signed version');
    await cat.apply(Z, { rrsets: [{ name: `a.${Z}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.2' }] }] }, 't');
    await cat.settled();
    await cat.apply(Z, { rrsets: [{ name: `b.${Z}`, type: 'A', changetype: 'REPLACE', ttl: 60, records: [{ content: '192.0.2.3' }] }] }, 't');
    await cat.settled();
    await cat.signing.settled();
    await cat.signing.diffsSettled();
    const zone = cat.zone(Z)!;
    const chain = cat.signing.ixfr(Z, zone, s1);
    assert.ok(chain !== null);
    assert.equal(chain.length, 2);
    assert.equal(chain[0]!.serialFrom, s1);
    assert.equal(chain[1]!.serialTo, zone.serial);
    const first = chain[0]!;
    const text = (rrs: typeof first.added): string[] => rrs.map((r) => `${nameToText(r.name)} ${r.type === RRType.RRSIG ? `RRSIG:${rrsigTypeCovered(r.rdata)}` : r.type}`);
    assert.ok(text(first.added).includes(`a.${Z} ${RRType.A}`));
    assert.ok(text(first.added).includes(`a.${Z} RRSIG:${RRType.A}`));
    assert.ok(first.added.some((r) => r.type === RRType.NSEC3), 'the new name is in the NSEC3 chain');
    assert.deepEqual(first.removed.filter((r) => r.type === RRType.SOA).map((r) => soaSerial(r.rdata)), [s1]);
    assert.equal(first.added.filter((r) => r.type === RRType.SOA).length, 1);
    assert.equal(cat.signing.ixfr(Z, zone, 12345), null, 'an unknown serial: AXFR');
  } finally {
    await cat.close();
    await scratch.drop();
  }
});
