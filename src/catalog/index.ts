// Public entry of src/catalog: the store-backed zone source (snapshots, writes, journal, polling).
export { Catalog } from './catalog.js';
export type { CatalogOptions, CatalogStatus, StoredZone } from './catalog.js';
export type { ApplyResult } from './apply-change.js';
export type { ChangeSet, RRsetEdit, RecordInput, CommentInput } from './change-set.js';
export type { ZoneSpec } from './zone-spec.js';
export { zoneName } from './zone-spec.js';
export { CatalogError } from './errors.js';
export type { CatalogErrorCode } from './errors.js';
export { nextSerial, parseSerialPolicy, serialLess } from './serial-policy.js';
export type { SerialPolicy } from './serial-policy.js';
export { journalChain, entryDiff } from './journal-chain.js';
export { zoneChangedChannel, storePollErrorChannel } from './events.js';
export type { ZoneChangedEvent, StorePollErrorEvent } from './events.js';
export { ZoneDnssec } from './zone-dnssec.js';
export type { KeyInfo, DnssecStatus } from './zone-dnssec.js';
export type { SigningOptions, SignedZone } from './zone-signing.js';
export type { KeyState, StoredKey } from './zone-keys.js';
export { KeyCrypt } from './key-crypt.js';
