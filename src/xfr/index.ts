// Public entry of src/xfr: replication both ways — AXFR/IXFR served and fetched, NOTIFY, secondary zones,
// catalog zones (RFC 9432), TSIG, status.
export { Replication } from './replication.js';
export type {
  ReplicationOptions, ReplicationDeps, ReplicationStatus, ReplicationEvent, ReplicationCounts, SecondaryConfig, ServedTransfer,
} from './replication.js';
export type { SecondaryStatus } from './secondary.js';
export type { NotifyState } from './notifier.js';
export type { TransferReply } from './transfer-out.js';
export { XfrError } from './errors.js';
export type { XfrErrorCode } from './errors.js';
export { parsePeer, peerText } from './peer.js';
export type { Peer } from './peer.js';
export { fetchTransfer, fetchSerial, sendNotify } from './transfer-in.js';
export { udpExchange } from './dns-client.js';
export type { Transfer, IxfrStep } from './transfer-in.js';
export { catalogMembers, memberId } from './catalog-zones.js';
export { nodeHmac, KeyRing } from './tsig-keys.js';
export { zoneHasLua, luaStaticZone, GEODESIC_XFR_OPTION } from './lua-export.js';
