// Public entry of src/dnssec: keys, DS, RRSIG, NSEC/NSEC3 chains, signing a zone snapshot, key files.
export { DnssecError } from './errors.js';
export type { DnssecErrorCode } from './errors.js';
export { algorithmOf } from './algorithms.js';
export type { Algorithm } from './algorithms.js';
export { generateKey, makeKey, dnskeyRdata, keyTagOf, isSep, ZSK_FLAGS, SEP_FLAGS } from './key.js';
export type { DnssecKey, KeyOptions } from './key.js';
export { dsRdata, DS_DIGESTS } from './ds.js';
export { signRRset } from './rrsig.js';
export type { SignWindow, RRsetToSign } from './rrsig.js';
export { typeBitmap } from './type-bitmap.js';
export type { Nsec3Options } from './denial-chain.js';
export { signZone, signZoneAsync, DEFAULT_VALIDITY, DEFAULT_INCEPTION_OFFSET } from './sign-zone.js';
export type { SignOptions } from './sign-zone.js';
export { cdsSets } from './cds.js';
export type { CdsMode } from './cds.js';
export {
  readZoneKeys, writeZoneKeys, zoneKeyPath, newZoneKeyFile, keyRecord, keysOf, signOptionsOf, saltText,
} from './key-file.js';
export type { ZoneKeyFile, KeyRecord } from './key-file.js';
export { OnlineSigner, onlineSignerOf, setOnlineSigner, onlineSignatureCount } from './online.js';
export type { SigSet, DynamicSet, OnlineOptions } from './online.js';
export { iscPrivateKey, parseIscPrivateKey } from './isc-key.js';
