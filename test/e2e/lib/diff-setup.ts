import { join } from 'node:path';
import { startGeodesic, startKnot, startNsd, startPdns } from './diff-servers.js';
import { ipv6Loopback } from './free-port.js';
import type { RunningServer } from './server-process.js';
import { copyZones, prepareZones } from './sign-zones.js';

export interface DiffSetup {
  servers: RunningServer[];
  hasV6: boolean;
}

/**
 * Writes the zones of test/fixtures/diff into workDir/zones (signing signed/*) and starts NSD and Knot on
 * them, PowerDNS on the pdns/* zones (LUA/ALIAS, which NSD and Knot cannot load), and Geodesic on all of
 * them, on 127.0.0.1 and (if the machine has it) ::1. Servers that started are returned even when another
 * failed; the error then lists every failure.
 */
export async function startDiffServers(workDir: string, fixtures: string, opts: { geodesic?: boolean } = {}): Promise<DiffSetup> {
  const zoneDir = join(workDir, 'zones');
  const common = prepareZones(fixtures, join(fixtures, 'signed'), zoneDir, join(workDir, 'keys'));
  const pdnsZones = copyZones(join(fixtures, 'pdns'), zoneDir);
  const hasV6 = await ipv6Loopback();
  const hosts = hasV6 ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
  const starts = [startNsd(workDir, zoneDir, common, hosts), startKnot(workDir, zoneDir, common, hosts),
    startPdns(workDir, zoneDir, pdnsZones, hosts)];
  if (opts.geodesic !== false) starts.push(startGeodesic(workDir, zoneDir, [...common, ...pdnsZones], hosts));
  const started = await Promise.allSettled(starts);
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
  if (failed.length > 0) {
    await Promise.all(servers.map((s) => s.stop()));
    throw new Error(failed.join('\n'));
  }
  return { servers, hasV6 };
}
