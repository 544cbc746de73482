import type { Store } from '../store/index.js';

/** What a secondary (or catalog consumer) zone is and how its replication went, kept in the store. */
export interface SecondaryRecord {
  zone: string;
  kind: 'secondary' | 'consumer';
  primaries: string[];
  account: string;
  /** TSIG key (by name) for SOA queries and transfers to the primaries; null: unsigned. */
  tsigKey: string | null;
  /** The consumer catalog zone this one is a member of (RFC 9432); null: configured on its own. */
  memberOf: string | null;
  /** Last successful check with a primary (SOA query or transfer), epoch ms: the expire timer runs from it. */
  refreshedAt: number | null;
  transferredAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

const PREFIX = 'xfr.zone:';

/** Secondary zones and their replication state, one row each in the store's settings table. */
export class SecondaryTable {
  constructor(private readonly store: Store) {}

  async all(): Promise<SecondaryRecord[]> {
    const rows = await this.store.q.db.selectFrom('settings').select(['name', 'value']).where('name', 'like', `${PREFIX}%`).execute();
    const out: SecondaryRecord[] = [];
    for (const r of rows) {
      try {
        out.push(JSON.parse(r.value) as SecondaryRecord);
      } catch {
        // a damaged row is skipped; put() rewrites it
      }
    }
    return out;
  }

  async put(r: SecondaryRecord): Promise<void> {
    if (this.store.readOnly) return;
    await this.store.write((q) => q.putSetting(`${PREFIX}${r.zone}`, JSON.stringify(r)));
  }

  async remove(zone: string): Promise<void> {
    if (this.store.readOnly) return;
    await this.store.q.db.deleteFrom('settings').where('name', '=', `${PREFIX}${zone}`).execute();
  }
}
