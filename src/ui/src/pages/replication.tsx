import { useEffect, useState } from 'react';
import { optional } from '../api';
import { ErrorText, NotAvailable, when } from '../widgets';

interface Secondary {
  zone: string; kind: string; primaries: string[]; serial: number | null; primarySerial: number | null;
  transferredAt: number | null; lagMs: number | null; lastTransfer: { kind: string; primary: string; records: number; ms: number } | null; expired?: boolean;
}
interface Downstream { zone: string; serial: number; clients: { client: string; serial: number; at: number; kind: string; behind: number }[] }
interface Status { secondaries: Secondary[]; downstream: Downstream[] }

/** Replication: the secondary zones this server keeps (serials, lag) and the secondaries of the zones it serves. */
export function ReplicationPage() {
  const [status, setStatus] = useState<Status | null | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () => optional<Status>('/api/v1/geodesic/replication').then(setStatus, (e: Error) => { setError(e.message); setStatus(null); });
    void load();
    const id = setInterval(() => void load(), 10_000);
    return () => clearInterval(id);
  }, []);
  return (
    <section>
      <h1>Replication</h1>
      <ErrorText text={error} />
      {status === undefined && <p aria-busy="true">Loading…</p>}
      {status === null && <NotAvailable what="Replication status" />}
      {status && (
        <>
          <h2>Secondary zones here</h2>
          {status.secondaries.length === 0 ? <p>None: this server is primary for all its zones (or they replicate through the database).</p> : (
            <div className="table-wrap"><table>
              <thead><tr><th scope="col">Zone</th><th scope="col">Primaries</th><th scope="col">Serial here</th><th scope="col">Primary's serial</th>
                <th scope="col">Lag</th><th scope="col">Last transfer</th></tr></thead>
              <tbody>{status.secondaries.map((s) => (
                <tr key={s.zone}><td>{s.zone}{s.expired && <small className="badge">expired</small>}</td><td>{s.primaries.join(', ')}</td>
                  <td>{s.serial ?? 'not yet'}</td><td>{s.primarySerial ?? '?'}</td><td>{s.lagMs === null ? '' : `${(s.lagMs / 1000).toFixed(1)} s`}</td>
                  <td>{s.lastTransfer ? `${s.lastTransfer.kind} from ${s.lastTransfer.primary}, ${s.lastTransfer.records} records${s.transferredAt ? `, ${when(s.transferredAt)}` : ''}` : ''}</td></tr>
              ))}</tbody>
            </table></div>
          )}
          <h2>Secondaries of our zones</h2>
          {status.downstream.every((d) => d.clients.length === 0) ? <p>No secondary has transferred a zone from this server since it started.</p> : (
            <div className="table-wrap"><table>
              <thead><tr><th scope="col">Zone</th><th scope="col">Secondary</th><th scope="col">Its serial</th><th scope="col">Ours</th><th scope="col">Behind</th><th scope="col">Last transfer</th></tr></thead>
              <tbody>{status.downstream.flatMap((d) => d.clients.map((c) => (
                <tr key={`${d.zone}${c.client}`}><td>{d.zone}</td><td>{c.client}</td><td>{c.serial}</td><td>{d.serial}</td>
                  <td>{c.behind === 0 ? 'current' : `${c.behind} serial${c.behind === 1 ? '' : 's'}`}</td><td>{c.kind}, {when(c.at)}</td></tr>
              )))}</tbody>
            </table></div>
          )}
        </>
      )}
    </section>
  );
}
