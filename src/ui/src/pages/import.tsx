import { useState } from 'react';
import { api, enc, G } from '../api';
import type { Change, RRsetPatch } from '../api';
import { ErrorText, Field, Notice } from '../widgets';
import { ChangeDiff } from './history';
import { patchZone } from './zone';

interface Preview { changes: Change[]; rrsets: RRsetPatch[] }

/** Import a zone file into an existing zone: the server parses it and shows the diff; nothing is written until "Apply". */
export function ImportTab({ zone, writable }: { zone: string; writable: boolean }) {
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  if (!writable) return <p>You may not change this zone.</p>;
  const check = async () => {
    setError(''); setNotice(''); setPreview(null);
    try { setPreview(await api<Preview>('POST', `${G}/zones/${enc(zone)}/import-preview`, { zone: text })); } catch (e) { setError((e as Error).message); }
  };
  const apply = async () => {
    if (!preview) return;
    try {
      await patchZone(zone, preview.rrsets);
      setNotice(`Imported: ${preview.changes.length} RRsets changed in one change.`);
      setPreview(null);
    } catch (e) { setError((e as Error).message); }
  };
  return (
    <div>
      <div className="field">
        <label htmlFor="import-file">Zone file</label>
        <input id="import-file" type="file" accept=".zone,.txt,.db,text/plain" onChange={(e) => { const f = e.target.files?.[0]; if (f) void f.text().then(setText); }} />
      </div>
      <Field label="Zone file text" value={text} onChange={(v) => { setText(v); setPreview(null); }} multiline
        hint="The zone as it should be: RRsets not in the file are deleted, except the SOA (its serial is managed)." />
      <div className="actions"><button type="button" onClick={() => void check()} disabled={!text.trim()}>Preview changes</button></div>
      <ErrorText text={error} />
      <Notice text={notice} />
      {preview && (
        <div className="card">
          <h2 className="h3">{preview.changes.length} RRset{preview.changes.length === 1 ? '' : 's'} would change</h2>
          {preview.changes.map((c, i) => <ChangeDiff key={i} c={c} />)}
          <div className="actions">
            <button type="button" onClick={() => setPreview(null)}>Discard</button>
            <button type="button" className="primary" disabled={preview.changes.length === 0} onClick={() => void apply()}>Apply changes</button>
          </div>
        </div>
      )}
    </div>
  );
}
