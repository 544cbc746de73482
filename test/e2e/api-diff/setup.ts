/**
 * One PowerDNS and one Geodesic per test file: started in before(), stopped in after(); each test is a
 * case replayed against both (see replay.ts). Without pdns_server the file is skipped; while Geodesic's
 * serve has no API yet, cases still run against PowerDNS and are marked todo.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { geodesicApiMissing, startGeodesic } from './geodesic.js';
import type { GeodesicOptions } from './geodesic.js';
import { pdnsMissing, startPdns } from './pdns.js';
import type { PdnsOptions } from './pdns.js';
import { dropZones, failures, replay } from './replay.js';
import type { Servers, Step } from './replay.js';

export interface Pair {
  servers: Servers;
  /** Test options: skip without PowerDNS, todo while Geodesic has no API. */
  readonly opts: { skip?: string; todo?: string; timeout: number };
  /** Replays a case (zones dropped first) and fails with every difference found. */
  check(zones: string[], steps: Step[]): Promise<void>;
}

export function usePair(o: { pdns?: PdnsOptions; geodesic?: GeodesicOptions; needPdns?: boolean } = {}): Pair {
  const servers: Servers = {};
  const needPdns = o.needPdns ?? true;
  before(async () => {
    const starts: Promise<void>[] = [];
    if (needPdns && pdnsMissing === undefined) starts.push(startPdns(o.pdns).then((s) => { servers.pdns = s; }));
    if (geodesicApiMissing === undefined) starts.push(startGeodesic(o.geodesic).then((s) => { servers.geodesic = s; }));
    const results = await Promise.allSettled(starts);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }, { timeout: 90_000 });
  after(async () => {
    await servers.pdns?.stop();
    await servers.geodesic?.stop();
  }, { timeout: 30_000 });
  const skip = needPdns ? pdnsMissing : undefined;
  return {
    servers,
    opts: { ...(skip !== undefined ? { skip } : {}), ...(geodesicApiMissing !== undefined ? { todo: geodesicApiMissing } : {}), timeout: 60_000 },
    async check(zones, steps) {
      await dropZones(servers, zones);
      const problems = failures(await replay(servers, steps));
      await dropZones(servers, zones);
      assert.equal(problems.length, 0, `\n${problems.join('\n')}\n`);
    },
  };
}
