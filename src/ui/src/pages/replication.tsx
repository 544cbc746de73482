import { useEffect, useState } from 'react';
import { api, optional, SERVER } from '../api';
import { ErrorText, NotAvailable } from '../widgets';

interface Zone { id: string; name: string; kind: string; serial: number; masters?: string[]; notified_serial?: number; edited_serial?: number }
interface Secondary { zone: string; address: string; serial?: number; lagSeconds?: number; lastSeen?: number }

/** Replication: primary/secondary zones with their serials, and secondaries' state when the server reports it. */
export function ReplicationPage() {
  const [zones, setZones] = useState<Zone[]>([]);
  const [secondaries, setSecondaries] = useState<Secondary[] | null | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    api<Zone[]>('GET', `${SERVER}/zones`).then(setZones, (e: Error) => setError(e.message));
    optional<Secondary[]>('/api/v1/geodesic/replication').then(setSecondaries, () => setSecondaries(null));
  }, []);
  const repl = zones.filter((z) => !/native/i.test(z.kind));
  return (
    <section>
      <h1>Replication</h1>
      <ErrorText text={error} />
      <h2>Zones transferred</h2>
      {repl.length === 0 ? <p>No primary or secondary zone (all zones are native, replicated through the database).</p> : (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">Zone</th><th scope="col">Kind</th><th scope="col">Serial</th><th scope="col">Notified serial</th><th scope="col">Primaries</th></tr></thead>
          <tbody>{repl.map((z) => <tr key={z.id}><td>{z.name}</td><td>{z.kind}</td><td>{z.serial}</td><td>{z.notified_serial ?? ''}</td><td>{(z.masters ?? []).join(', ')}</td></tr>)}</tbody>
        </table></div>
      )}
      <h2>Secondaries</h2>
      {secondaries === null && <NotAvailable what="Secondary tracking (serials, lag)" />}
      {secondaries && secondaries.length === 0 && <p>No secondary has asked for a transfer yet.</p>}
      {secondaries && secondaries.length > 0 && (
        <div className="table-wrap"><table>
          <thead><tr><th scope="col">Zone</th><th scope="col">Secondary</th><th scope="col">Serial</th><th scope="col">Lag</th></tr></thead>
          <tbody>{secondaries.map((s) => <tr key={`${s.zone}${s.address}`}><td>{s.zone}</td><td>{s.address}</td><td>{s.serial ?? ''}</td><td>{s.lagSeconds !== undefined ? `${s.lagSeconds} s` : ''}</td></tr>)}</tbody>
        </table></div>
      )}
    </section>
  );
}
