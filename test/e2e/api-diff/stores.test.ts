/**
 * The real clients' sequences (clients.ts) with Geodesic's zones in PostgreSQL and in MariaDB (`serve
 * --db URL`, a scratch database each), against the same PowerDNS: the API behaves alike on every store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createScratchStore } from '../../../src/store/index.js';
import type { ScratchStore } from '../../../src/store/index.js';
import { geodesicApiMissing, startGeodesic } from './geodesic.js';
import { pdnsMissing, startPdns } from './pdns.js';
import type { ApiServer } from './pdns.js';
import { createZone, dropZones, failures, replay } from './replay.js';
import type { Step } from './replay.js';
import { acmeSh, certManager, externalDns, lego, lexicon, octodns, powerdnsAdmin } from './clients.js';

const DIALECTS = ['postgres', 'mysql'] as const;
let pdns: ApiServer | undefined;
const geodesic = new Map<string, ApiServer>();
const scratch: ScratchStore[] = [];

before(async () => {
  if (pdnsMissing !== undefined || geodesicApiMissing !== undefined) return;
  pdns = await startPdns();
  for (const d of DIALECTS) {
    const s = await createScratchStore(d);
    scratch.push(s);
    geodesic.set(d, await startGeodesic({ db: s.where.db! }));
  }
}, { timeout: 120_000 });

after(async () => {
  await pdns?.stop();
  for (const g of geodesic.values()) await g.stop();
  for (const s of scratch) await s.drop().catch(() => undefined);
}, { timeout: 60_000 });

const opts = { ...(pdnsMissing ? { skip: pdnsMissing } : {}), ...(geodesicApiMissing ? { todo: geodesicApiMissing } : {}), timeout: 120_000 };

const SEQUENCES: Array<[string, string, (zone: string) => Step[], Record<string, unknown>]> = [
  ['acme.sh', 'acme.example.', acmeSh, {}],
  ['lego', 'lego.example.', lego, { kind: 'Master' }],
  ['certbot (dns-lexicon)', 'lex.example.', lexicon, { kind: 'Master' }],
  ['cert-manager', 'cm.example.', certManager, {}],
  ['external-dns', 'edns.example.', externalDns, {}],
  ['octodns', 'octo.example.', octodns, { none: true }],
  ['PowerDNS-Admin', 'pda.example.', powerdnsAdmin, { none: true }],
];

for (const d of DIALECTS) {
  test(`${d}: the clients' sequences give PowerDNS's answers`, opts, async () => {
    const servers = { pdns, geodesic: geodesic.get(d) };
    const problems: string[] = [];
    for (const [client, zone, sequence, create] of SEQUENCES) {
      await dropZones(servers, [zone]);
      const steps = create['none'] ? sequence(zone) : [createZone(zone, create), ...sequence(zone)];
      problems.push(...failures(await replay(servers, steps)).map((p) => `${client}: ${p}`));
      await dropZones(servers, [zone]);
    }
    assert.equal(problems.length, 0, `\n${problems.join('\n')}\n`);
  });
}
