import { useCallback, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError, enc, G, SERVER } from '../api';
import type { Settings, ZoneSummary } from '../api';
import { Link, navigate } from '../router';
import { canWrite, useSession } from '../session';
import { Confirm, ErrorText, Field, Notice } from '../widgets';

const PAGE = 50;

/** The zones list: server-side search and paging, record counts, create, delete. */
export function ZonesPage() {
  const { user } = useSession();
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const [data, setData] = useState<{ total: number; zones: ZoneSummary[] } | null>(null);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<ZoneSummary | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api('GET', `${G}/zones?q=${encodeURIComponent(q)}&offset=${offset}&limit=${PAGE}`));
      setError('');
    } catch (e) { setError((e as Error).message); }
  }, [q, offset]);
  useEffect(() => { void load(); }, [load]);

  const remove = async (z: ZoneSummary) => {
    setDeleting(null);
    try {
      await api('DELETE', `${SERVER}/zones/${enc(z.id)}`);
      setNotice(`Zone ${z.name} deleted.`);
      await load();
    } catch (e) { setError((e as Error).message); }
  };

  return (
    <section>
      <div className="heading">
        <h1>Zones</h1>
        {user.role === 'admin' && <button type="button" className="primary" onClick={() => setCreating(true)}>New zone</button>}
      </div>
      {creating && <CreateZone onCancel={() => setCreating(false)} />}
      <div className="toolbar" role="search">
        <label htmlFor="zone-search">Search zones</label>
        <input id="zone-search" type="search" value={q} placeholder="name contains…"
          onChange={(e) => { setQ(e.target.value); setOffset(0); }} />
      </div>
      <Notice text={notice} />
      <ErrorText text={error} />
      {data && (
        <>
          <p className="muted" aria-live="polite">{data.total} zone{data.total === 1 ? '' : 's'}</p>
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">Zone</th><th scope="col" className="wide-only">Kind</th><th scope="col" className="wide-only">Serial</th>
                <th scope="col" className="num">Records</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody>
                {data.zones.map((z) => (
                  <tr key={z.id}>
                    <td><Link href={`/zones/${enc(z.name)}`}>{z.name}</Link>{z.dnssec && <small className="badge">DNSSEC</small>}{z.source === 'file' && <small className="badge">file</small>}</td>
                    <td className="wide-only">{z.kind}</td>
                    <td className="wide-only">{z.serial}</td>
                    <td className="num">{z.records}</td>
                    <td><div className="row-actions">
                      <a href={`${SERVER}/zones/${enc(z.id)}/export`} download={`${z.name}zone`}>Export</a>
                      {user.role === 'admin' && z.source !== 'file' && (
                        <button type="button" className="danger small" onClick={() => setDeleting(z)}
                          aria-label={`Delete zone ${z.name}`}>Delete</button>
                      )}
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} total={data.total} page={PAGE} onChange={setOffset} />
        </>
      )}
      {deleting && (
        <Confirm title={`Delete ${deleting.name}?`} confirm="Delete zone" danger
          onCancel={() => setDeleting(null)} onConfirm={() => void remove(deleting)}>
          <p>All {deleting.records} records of {deleting.name} are removed and the server stops answering for it.
            This cannot be undone from the history.</p>
        </Confirm>
      )}
      {!canWrite(user) && <p className="muted">You have read-only access.</p>}
    </section>
  );
}

export function Pager({ offset, total, page, onChange }: { offset: number; total: number; page: number; onChange: (o: number) => void }) {
  if (total <= page) return null;
  const last = Math.max(0, Math.floor((total - 1) / page) * page);
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - page))}>Previous</button>
      <span>{offset + 1}–{Math.min(total, offset + page)} of {total}</span>
      <button type="button" disabled={offset >= last} onClick={() => onChange(offset + page)}>Next</button>
    </nav>
  );
}

/** Create a zone from the template: NS set and SOA from the settings, or from a pasted/uploaded zone file. */
function CreateZone({ onCancel }: { onCancel: () => void }) {
  const [name, setName] = useState('');
  const [ns, setNs] = useState('');
  const [kind, setKind] = useState('Native');
  const [zoneText, setZoneText] = useState('');
  const [error, setError] = useState('');
  const [fieldError, setFieldError] = useState('');
  useEffect(() => {
    api<Settings>('GET', `${G}/settings`).then((s) => setNs(s.defaultNameservers.join(' '))).catch(() => undefined);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(''); setFieldError('');
    const zone = name.trim().endsWith('.') ? name.trim() : `${name.trim()}.`;
    const body: Record<string, unknown> = { name: zone, kind, nameservers: ns.split(/[\s,]+/).filter(Boolean).map((n) => (n.endsWith('.') ? n : `${n}.`)) };
    if (zoneText.trim()) { body.zone = zoneText; body.nameservers = []; }
    try {
      await api('POST', `${SERVER}/zones`, body);
      navigate(`/zones/${enc(zone)}`);
    } catch (err) {
      const msg = err instanceof ApiError ? err.message : String(err);
      if (/name|zone/i.test(msg) && !zoneText) setFieldError(msg); else setError(msg);
    }
  };
  const upload = async (file: File | undefined) => { if (file) setZoneText(await file.text()); };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="create-title">
      <h2 id="create-title">New zone</h2>
      <Field label="Zone name" value={name} onChange={setName} required placeholder="example.org" error={fieldError} />
      <div className="field">
        <label htmlFor="zone-kind">Kind</label>
        <select id="zone-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option>Native</option><option>Master</option><option>Slave</option>
        </select>
      </div>
      <Field label="Name servers" value={ns} onChange={setNs} hint="From the settings' default NS set; separate with spaces."
        disabled={Boolean(zoneText.trim())} />
      <details>
        <summary>Or import a zone file</summary>
        <div className="field">
          <label htmlFor="zone-file">Zone file</label>
          <input id="zone-file" type="file" accept=".zone,.txt,.db,text/plain" onChange={(e) => void upload(e.target.files?.[0])} />
        </div>
        <Field label="Zone file text" value={zoneText} onChange={setZoneText} multiline placeholder="$ORIGIN example.org.&#10;@ 3600 IN SOA …" />
      </details>
      <ErrorText text={error} />
      <div className="actions">
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary">Create zone</button>
      </div>
    </form>
  );
}
