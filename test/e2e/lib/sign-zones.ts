import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ZONE_SUFFIX = '.zone';

/** Copies the NAME.zone files of `fromDir` into `outDir`; returns their zone names. */
export function copyZones(fromDir: string, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const names = zoneNames(fromDir);
  for (const z of names) copyFileSync(join(fromDir, z + ZONE_SUFFIX), join(outDir, z + ZONE_SUFFIX));
  return names;
}

/** Zone names of the NAME.zone files in a folder. */
export function zoneNames(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(ZONE_SUFFIX)).map((f) => f.slice(0, -ZONE_SUFFIX.length)).sort();
}

/**
 * A generated zone big enough that its AXFR needs several TCP messages (each at most 64 KiB):
 * `count` names with an A and a TXT record each, and `huge` with 1100 TXT records (about 55 KB).
 */
export function bulkZone(origin: string, count: number): string {
  const lines = [`$ORIGIN ${origin}.`, '$TTL 3600',
    `@ IN SOA ns1.${origin}. hostmaster.${origin}. 1 3600 900 604800 300`, `@ IN NS ns1.${origin}.`, 'ns1 IN A 192.0.2.53'];
  for (let i = 0; i < count; i++) {
    lines.push(`host${i} IN A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, `host${i} IN TXT "record number ${i} of ${count}"`);
  }
  // One RRset of about 55 KB: its answer needs a TCP message close to the 64 KiB limit.
  for (let i = 0; i < 1100; i++) lines.push(`huge IN TXT "huge-${String(i).padStart(4, '0')}-${'h'.repeat(24)}"`);
  return lines.join('\n') + '\n';
}

let signable: boolean | undefined;

/** True when bind9-utils' dnssec-keygen and dnssec-signzone can be run. */
export function canSign(): boolean {
  signable ??= probeSigner();
  return signable;
}

function probeSigner(): boolean {
  try {
    execFileSync('dnssec-signzone', ['-h'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Copies the unsigned fixture zones into `outDir` and signs the ones in `signedSrcDir` there with
 * fresh ECDSA P-256 keys (KSK + ZSK, kept in `keyDir`, valid 30 days): zones named nsec3* get NSEC3
 * (no salt, 0 iterations; opt-out when the name holds "optout"), the others NSEC. Also writes bulk.test (see bulkZone). Returns the names of
 * all zones in outDir. Without dnssec-signzone (see canSign) the signed zones are left out.
 */
export function prepareZones(plainDir: string, signedSrcDir: string, outDir: string, keyDir: string): string[] {
  mkdirSync(keyDir, { recursive: true });
  copyZones(plainDir, outDir);
  writeFileSync(join(outDir, `bulk.test${ZONE_SUFFIX}`), bulkZone('bulk.test', 3000));
  for (const z of canSign() ? zoneNames(signedSrcDir) : []) {
    const run = (cmd: string, args: string[]): void => {
      execFileSync(cmd, args, { cwd: keyDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
    };
    run('dnssec-keygen', ['-q', '-K', keyDir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', z]);
    run('dnssec-keygen', ['-q', '-K', keyDir, '-a', 'ECDSAP256SHA256', z]);
    const nsec3 = z.startsWith('nsec3') ? ['-3', '-', '-H', '0', ...(z.includes('optout') ? ['-A'] : [])] : [];
    run('dnssec-signzone', ['-q', '-K', keyDir, '-S', ...nsec3, '-o', z, '-e', '+2592000',
      '-f', join(outDir, z + ZONE_SUFFIX), join(signedSrcDir, z + ZONE_SUFFIX)]);
  }
  return zoneNames(outDir);
}
