import type { Generated } from 'kysely';

/** The tables of the store (the same schema on SQLite, PostgreSQL and MariaDB/MySQL). */
export interface StoreTables {
  change_counter: { id: number; value: number | string };
  zones: {
    id: Generated<number>;
    name: string;                 // lower-case, absolute, trailing dot
    kind: string;                 // native | primary | secondary | producer | consumer
    primaries: string;            // JSON array of "host[:port]"
    account: string;
    serial_policy: string;        // increment | date | epoch (PowerDNS SOA-EDIT-API values accepted)
    change_seq: number | string;  // change_counter value of the last write to this zone
    created_at: number | string;  // epoch milliseconds
  };
  records: {
    id: Generated<number>;
    zone_id: number;
    name: string;                 // owner, lower-case, absolute
    type: number;
    ttl: number | string;
    content: string;              // presentation form
    wire: Uint8Array;             // uncompressed wire rdata
    disabled: number;             // 0 | 1
  };
  comments: {
    id: Generated<number>;
    zone_id: number;
    name: string;
    type: number;
    account: string;
    content: string;
    modified_at: number | string;
  };
  zone_metadata: { id: Generated<number>; zone_id: number; kind: string; content: string };
  tsig_keys: { id: Generated<number>; name: string; algorithm: string; secret: string; scopes: string | null };
  dnssec_keys: {
    id: Generated<number>;
    zone_id: number;
    flags: number;
    algorithm: number;
    active: number;
    published: number;
    private_key: string;          // PKCS#8 PEM, or enc:v1:... (AES-256-GCM, see src/catalog/key-crypt.ts)
    created_at: number | string;
    state: string;                // published | ready | active | retired (migration 0003)
    changed_at: number | string;  // epoch milliseconds of the last state change
  };
  users: { id: Generated<number>; name: string; password_hash: string; role: string; created_at: number | string };
  api_keys: {
    id: Generated<number>;
    name: string;
    key_hash: string;             // hex SHA-256 of the key
    user_id: number | null;
    created_at: number | string;
    scopes: string | null;        // JSON list of scopes (0002); NULL grants nothing
    hint: string | null;          // the key's first characters (0002)
  };
  settings: { name: string; value: string };
  user_zones: { id: Generated<number>; user_id: number; zone: string };
  sessions: { id: string; user_id: number; csrf: string; created_at: number | string; seen_at: number | string; expires_at: number | string };
  journal: {
    id: Generated<number>;
    zone_id: number;
    seq: number | string;         // change_counter value of this write
    serial_from: number | string;
    serial_to: number | string;
    author: string;
    created_at: number | string;  // epoch milliseconds
    changes: string;              // JSON: RRsetChange[]
  };
}

/** Every table, in the order a restore fills them. */
export const TABLES = [
  'change_counter', 'zones', 'records', 'comments', 'zone_metadata', 'tsig_keys', 'dnssec_keys', 'users',
  'api_keys', 'settings', 'journal', 'user_zones',
] as const satisfies readonly (keyof StoreTables)[];

/** Columns holding bytes (backups encode them as base64). */
export const BLOB_COLUMNS: Readonly<Record<string, readonly string[]>> = { records: ['wire'] };

export type ZoneKind = 'native' | 'primary' | 'secondary' | 'producer' | 'consumer';
export const ZONE_KINDS: readonly ZoneKind[] = ['native', 'primary', 'secondary', 'producer', 'consumer'];

/** A zone row as the store hands it out. */
export interface ZoneRow {
  id: number;
  name: string;
  kind: ZoneKind;
  primaries: string[];
  account: string;
  serialPolicy: string;
  changeSeq: number;
  createdAt: number;
}

/** One stored record. */
export interface RecordRow {
  id: number;
  name: string;
  type: number;
  ttl: number;
  content: string;
  wire: Uint8Array;
  disabled: boolean;
}

export interface CommentRow { name: string; type: number; account: string; content: string; modifiedAt: number }

/** One RRset's state in the journal: records in presentation form (null: the RRset did not exist). */
export interface RRsetState {
  ttl: number;
  records: { content: string; disabled: boolean }[];
}

/** One RRset changed by a write: before and after. */
export interface RRsetChange {
  name: string;
  type: number;
  before: RRsetState | null;
  after: RRsetState | null;
}

export interface JournalEntry {
  id: number;
  zoneId: number;
  seq: number;
  serialFrom: number;
  serialTo: number;
  author: string;
  createdAt: number;
  changes: RRsetChange[];
}

/** A TSIG key; `scopes`: JSON list of what it may change through DNS UPDATE (null: no restriction). */
export interface TsigKeyRow { name: string; algorithm: string; secret: string; scopes?: string | null }

/** An API key as stored (the key itself only as its hash). `scopes` is the JSON text of its scopes. */
export interface ApiKeyRow { id: number; name: string; keyHash: string; userId: number | null; createdAt: number; scopes: string | null; hint: string | null }
