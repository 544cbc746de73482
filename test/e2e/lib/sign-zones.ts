import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ZONE_SUFFIX = '.zone';

/** Zone names of the NAME.zone files in a folder. */
export function zoneNames(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(ZONE_SUFFIX)).map((f) => f.slice(0, -ZONE_SUFFIX.length)).sort();
}

/** True when bind9-utils' dnssec-keygen and dnssec-signzone can be run. */
export function canSign(): boolean {
  try {
    execFileSync('dnssec-signzone', ['-h'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Copies the unsigned fixture zones into `outDir` and signs the ones in `signedSrcDir` there with
 * fresh ECDSA P-256 keys (KSK + ZSK, kept in `keyDir`, valid 30 days): zones named nsec3.* get NSEC3
 * (no salt, 0 iterations), the others NSEC. Returns the names of all zones in outDir.
 */
export function prepareZones(plainDir: string, signedSrcDir: string, outDir: string, keyDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  mkdirSync(keyDir, { recursive: true });
  for (const z of zoneNames(plainDir)) copyFileSync(join(plainDir, z + ZONE_SUFFIX), join(outDir, z + ZONE_SUFFIX));
  for (const z of zoneNames(signedSrcDir)) {
    const run = (cmd: string, args: string[]): void => {
      execFileSync(cmd, args, { cwd: keyDir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
    };
    run('dnssec-keygen', ['-q', '-K', keyDir, '-a', 'ECDSAP256SHA256', '-f', 'KSK', z]);
    run('dnssec-keygen', ['-q', '-K', keyDir, '-a', 'ECDSAP256SHA256', z]);
    const nsec3 = z.startsWith('nsec3.') ? ['-3', '-', '-H', '0'] : [];
    run('dnssec-signzone', ['-q', '-K', keyDir, '-S', ...nsec3, '-o', z, '-e', '+2592000',
      '-f', join(outDir, z + ZONE_SUFFIX), join(signedSrcDir, z + ZONE_SUFFIX)]);
  }
  return zoneNames(outDir);
}
