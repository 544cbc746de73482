import type { CommentRow, JournalEntry, RecordRow, RRsetChange, ZoneKind, ZoneRow } from '../types.js';

/** Row converters: drivers hand BIGINT back as string (pg) or number, bytes as Buffer. */
export const num = (v: number | string | bigint | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));

export function zoneFromRow(r: {
  id: number; name: string; kind: string; primaries: string; account: string; serial_policy: string;
  change_seq: number | string; created_at: number | string;
}): ZoneRow {
  return {
    id: num(r.id), name: r.name, kind: r.kind as ZoneKind, primaries: JSON.parse(r.primaries) as string[],
    account: r.account, serialPolicy: r.serial_policy, changeSeq: num(r.change_seq), createdAt: num(r.created_at),
  };
}

export function recordFromRow(r: {
  id: number; name: string; type: number; ttl: number | string; content: string; wire: Uint8Array; disabled: number;
}): RecordRow {
  return {
    id: num(r.id), name: r.name, type: num(r.type), ttl: num(r.ttl), content: r.content,
    wire: new Uint8Array(r.wire.buffer, r.wire.byteOffset, r.wire.byteLength), disabled: num(r.disabled) !== 0,
  };
}

export function commentFromRow(r: { name: string; type: number; account: string; content: string; modified_at: number | string }): CommentRow {
  return { name: r.name, type: num(r.type), account: r.account, content: r.content, modifiedAt: num(r.modified_at) };
}

export function journalFromRow(r: {
  id: number; zone_id: number; seq: number | string; serial_from: number | string; serial_to: number | string;
  author: string; created_at: number | string; changes: string;
}): JournalEntry {
  return {
    id: num(r.id), zoneId: num(r.zone_id), seq: num(r.seq), serialFrom: num(r.serial_from), serialTo: num(r.serial_to),
    author: r.author, createdAt: num(r.created_at), changes: JSON.parse(r.changes) as RRsetChange[],
  };
}
