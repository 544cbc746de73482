// Public entry of src/zone: zone files in and out, the in-memory zone, checks.
export { ZoneFileError, ZoneCheckError, formatDiagnostic } from './errors.js';
export type { Diagnostic } from './errors.js';
export type { RRset } from './rrset.js';
export { ZoneNode } from './zone-node.js';
export { Zone } from './zone.js';
export type { LookupPath, Nsec3Params } from './zone.js';
export { ZoneSet } from './zone-set.js';
export { ZoneBuilder } from './zone-builder.js';
export { parseZone } from './parser.js';
export type { ParseOptions, RecordSink } from './parser.js';
export { parseZoneText, buildZone, compileZoneText, loadZoneFile, originOfFile } from './load.js';
export type { CompileResult } from './load.js';
export { checkZone } from './check.js';
export { printZone } from './print.js';
export { nsec3Hash, nsec3HashText, base32hexLower, base32hex } from './nsec3-hash.js';
export { parseTtl } from './ttl.js';
export { canonicalSortKey } from './canonical-key.js';
export { keyOf, keyToName } from './name-key.js';
