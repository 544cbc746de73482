import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonWebKey } from 'node:crypto';
import { hexDecode, hexEncode } from '../wire/index.js';
import { privateKeyFromJwk } from './algorithms.js';
import { DnssecError } from './errors.js';
import { makeKey } from './key.js';
import type { DnssecKey } from './key.js';
import type { SignOptions } from './sign-zone.js';
import type { CdsMode } from './cds.js';

/** One key as a key file holds it. */
export interface KeyRecord {
  algorithm: number;
  flags: number;
  keyTag: number;
  active: boolean;
  published: boolean;
  created: string;
  privateKey: JsonWebKey;
}

/**
 * A zone's DNSSEC state in a keys folder: `DIR/<zone>.json` (`example.com.json`, the root `root.json`),
 * written with mode 0600. Until the store holds keys, `geodesic dnssec` and `geodesic serve` use it.
 */
export interface ZoneKeyFile {
  zone: string;
  enabled: boolean;
  denial: 'nsec3' | 'nsec';
  nsec3: { iterations: number; salt: string; optOut: boolean };
  /** Signature validity in seconds (default 14 days). */
  validity?: number;
  /** CDS/CDNSKEY at the apex: 'publish' (the SEP keys) or 'delete' (RFC 8078); absent: none. */
  cds?: CdsMode;
  keys: KeyRecord[];
}

function fileName(zone: string): string {
  const z = zone.toLowerCase().replace(/\.$/, '');
  return z === '' ? 'root.json' : `${z}.json`;
}

export function zoneKeyPath(dir: string, zone: string): string {
  return join(dir, fileName(zone));
}

/** A new, enabled state for `zone` (NSEC3, RFC 9276 parameters) without keys. */
export function newZoneKeyFile(zone: string): ZoneKeyFile {
  return { zone: zone.endsWith('.') ? zone : `${zone}.`, enabled: true, denial: 'nsec3', nsec3: { iterations: 0, salt: '', optOut: false }, keys: [] };
}

/** The zone's key file, or null when the folder has none for it. */
export function readZoneKeys(dir: string, zone: string): ZoneKeyFile | null {
  const path = zoneKeyPath(dir, zone);
  if (!existsSync(path)) return null;
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as ZoneKeyFile;
    if (!Array.isArray(f.keys) || typeof f.zone !== 'string') throw new Error('not a Geodesic key file');
    return f;
  } catch (err) {
    throw new DnssecError('GDNS_ERR_DNSSEC_KEY_FILE', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes the key file atomically (temporary file, then rename), readable by its owner only. */
export function writeZoneKeys(dir: string, file: ZoneKeyFile): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = zoneKeyPath(dir, file.zone);
  writeFileSync(`${path}.tmp`, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** The record of a key for a key file. */
export function keyRecord(key: DnssecKey, created = new Date()): KeyRecord {
  return {
    algorithm: key.algorithm, flags: key.flags, keyTag: key.keyTag, active: key.active, published: key.published,
    created: created.toISOString(), privateKey: key.privateKey.export({ format: 'jwk' }),
  };
}

/** The keys of a key file, ready to sign with. */
export function keysOf(file: ZoneKeyFile): DnssecKey[] {
  return file.keys.map((r) => makeKey(r.algorithm, privateKeyFromJwk(r.privateKey), { flags: r.flags, active: r.active, published: r.published }));
}

/** signZone options from a key file's settings. */
export function signOptionsOf(file: ZoneKeyFile, now?: number): SignOptions {
  return {
    now, denial: file.denial, validity: file.validity, cds: file.cds,
    nsec3: { iterations: file.nsec3.iterations, salt: hexDecode(file.nsec3.salt, 'NSEC3 salt'), optOut: file.nsec3.optOut },
  };
}

/** Hex text of a salt for a key file ('' when empty). */
export function saltText(salt: Uint8Array): string {
  return hexEncode(salt);
}
