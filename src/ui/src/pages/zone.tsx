import { useEffect, useState } from 'react';
import { api, enc, G, optional, SERVER } from '../api';
import type { RRsetPatch, Settings } from '../api';
import { Link } from '../router';
import { canWrite, useSession } from '../session';
import { NotAvailable } from '../widgets';
import { RecordsTab } from './records';
import { HistoryTab } from './history';
import { ImportTab } from './import';
import { GeoTab } from './geo';
import { DnssecTab } from './dnssec';

const TABS = [['records', 'Records'], ['history', 'History'], ['import', 'Import'], ['geo', 'Geo'], ['dnssec', 'DNSSEC']] as const;

export interface ZoneInfo { id: string; name: string; kind: string; serial: number; dnssec?: boolean }

/** Applies RRset changes to a zone as one PATCH (one change in the history, one serial bump). */
export function patchZone(zone: string, rrsets: RRsetPatch[]): Promise<unknown> {
  return api('PATCH', `${SERVER}/zones/${enc(zone)}`, { rrsets });
}

export function ZonePage({ zone, tab }: { zone: string; tab: string }) {
  const { user } = useSession();
  const [info, setInfo] = useState<ZoneInfo | null | undefined>(undefined);
  const [settings, setSettings] = useState<Settings | null>(null);
  const writable = canWrite(user, zone);
  useEffect(() => {
    optional<ZoneInfo>(`${SERVER}/zones/${enc(zone)}?rrsets=false`).then(setInfo, () => setInfo(null));
    api<Settings>('GET', `${G}/settings`).then(setSettings, () => setSettings(null));
  }, [zone]);
  if (info === null) return <section><h1>{zone}</h1><p role="alert">There is no zone {zone}. <Link href="/zones">All zones</Link></p></section>;
  const lua = settings?.luaRecords ?? false;
  return (
    <section>
      <div className="heading">
        <h1>{zone}</h1>
        {info && <span className="muted">{info.kind} · serial {info.serial}{writable ? '' : ' · read-only for you'}</span>}
      </div>
      <nav aria-label="Zone" className="tabs">
        <ul>
          {TABS.map(([k, label]) => (
            <li key={k}><Link href={`/zones/${enc(zone)}${k === 'records' ? '' : `/${k}`}`} aria-current={tab === k ? 'page' : undefined}>{label}</Link></li>
          ))}
        </ul>
      </nav>
      {tab === 'records' && <RecordsTab zone={zone} writable={writable} luaEnabled={lua} types={settings?.recordTypes} />}
      {tab === 'history' && <HistoryTab zone={zone} writable={writable} />}
      {tab === 'import' && <ImportTab zone={zone} writable={writable} />}
      {tab === 'geo' && <GeoTab zone={zone} writable={writable} luaEnabled={lua} />}
      {tab === 'dnssec' && <DnssecTab zone={zone} writable={writable} />}
      {!TABS.some(([k]) => k === tab) && <NotAvailable what={`The ${tab} page`} />}
    </section>
  );
}
