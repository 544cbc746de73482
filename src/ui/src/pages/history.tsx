import { useCallback, useEffect, useState } from 'react';
import { api, enc, G } from '../api';
import type { Change, HistoryEntry } from '../api';
import { Confirm, ErrorText, Notice, when } from '../widgets';

/** A +/- diff of one RRset change (what a reviewer wants to read). */
export function ChangeDiff({ c }: { c: Change }) {
  const before = new Set(c.before?.records.map((r) => r.content) ?? []);
  const after = new Set(c.after?.records.map((r) => r.content) ?? []);
  const lines: { sign: string; text: string }[] = [];
  for (const r of c.before?.records ?? []) if (!after.has(r.content) || c.before!.ttl !== c.after?.ttl) lines.push({ sign: '-', text: `${c.before!.ttl} ${r.content}` });
  for (const r of c.after?.records ?? []) if (!before.has(r.content) || c.before?.ttl !== c.after!.ttl) lines.push({ sign: '+', text: `${c.after!.ttl} ${r.content}` });
  return (
    <div className="diff">
      <div className="diff-head">{c.name} {c.type}</div>
      {lines.map((l, i) => <div key={i} className={l.sign === '+' ? 'add' : 'del'}><span aria-label={l.sign === '+' ? 'added' : 'removed'}>{l.sign}</span> {l.text}</div>)}
      {lines.length === 0 && <div className="muted">(comments or flags only)</div>}
    </div>
  );
}

/** Every change to the zone: who, when, serials, diff; revert writes the inverse as a new change. */
export function HistoryTab({ zone, writable }: { zone: string; writable: boolean }) {
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [reverting, setReverting] = useState<HistoryEntry | null>(null);
  const load = useCallback(async () => {
    try { setEntries(await api('GET', `${G}/zones/${enc(zone)}/history?limit=200`)); } catch (e) { setError((e as Error).message); }
  }, [zone]);
  useEffect(() => { void load(); }, [load]);
  const revert = async (h: HistoryEntry) => {
    setReverting(null);
    try {
      await api('POST', `${G}/zones/${enc(zone)}/history/${h.id}/revert`);
      setNotice(`Change ${h.id} reverted (a new change in the history).`);
      await load();
    } catch (e) { setError((e as Error).message); }
  };
  return (
    <div>
      <Notice text={notice} />
      <ErrorText text={error} />
      {entries && entries.length === 0 && <p>No change yet.</p>}
      <ol className="history">
        {entries?.map((h) => {
          // The SOA's serial bump is in the heading; a change of the SOA alone (re-signing...) has nothing to revert.
          const shown = h.changes.filter((c) => c.type !== 'SOA' && !['RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM'].includes(c.type));
          return (
            <li key={h.id} className="card">
              <div className="heading">
                <h2 className="h3">Serial {h.serialFrom} → {h.serialTo}</h2>
                <span className="muted">by {h.author || 'unknown'} · {when(h.createdAt)}</span>
                {writable && shown.length > 0 && <button type="button" className="small" aria-label={`Revert change ${h.id}`} onClick={() => setReverting(h)}>Revert</button>}
              </div>
              {shown.slice(0, 50).map((c, i) => <ChangeDiff key={i} c={c} />)}
              {shown.length === 0 && <p className="muted">Only the SOA changed (serial or signing).</p>}
              {shown.length > 50 && <p className="muted">…and {shown.length - 50} more RRsets</p>}
            </li>
          );
        })}
      </ol>
      {reverting && (
        <Confirm title="Revert this change?" confirm="Revert" onCancel={() => setReverting(null)} onConfirm={() => void revert(reverting)}>
          <p>The {reverting.changes.length} RRset(s) it touched go back to how they were before serial {reverting.serialTo}.
            Refused if a later change touched them since.</p>
        </Confirm>
      )}
    </div>
  );
}
