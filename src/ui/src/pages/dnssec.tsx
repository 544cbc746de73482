import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, enc, G, optional, SERVER } from '../api';
import { Confirm, ErrorText, NotAvailable, Notice, when } from '../widgets';

interface Key { id: number; keytype: string; active: boolean; published?: boolean; algorithm?: string; bits?: number; ds?: string[]; state?: string; keyTag?: number; createdAt?: number }
interface Rollover { kind: string; step: string; newKey: number; oldKeys: number[]; since: number; dsTtl?: number }
interface Dnssec { dnssec: boolean; nsec3param?: string; source?: string; keys: Key[]; rollover: Rollover | null; ds: string[] }

const STEP: Record<string, string> = {
  publish: 'new key published, waiting for caches to learn it', 'ds-wait': 'waiting for the parent to publish the new DS',
  'ds-seen': 'the parent publishes the new DS; old key retiring soon', retire: 'old key retiring',
};

/**
 * DNSSEC of a zone: signing on/off, keys and their states, the running rollover, the DS records for the
 * registrar (Geodesic's /geodesic/zones/{z}/dnssec; PowerDNS's /cryptokeys when that is all there is).
 */
export function DnssecTab({ zone, writable }: { zone: string; writable: boolean }) {
  const [d, setD] = useState<Dnssec | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [confirm, setConfirm] = useState<'unsign' | null>(null);
  const load = useCallback(async () => {
    try {
      const full = await optional<Dnssec>(`${G}/zones/${enc(zone)}/dnssec`);
      if (full) { setD(full); return; }
      const keys = await optional<Key[]>(`${SERVER}/zones/${enc(zone)}/cryptokeys`);
      setD(keys === null ? null : { dnssec: keys.length > 0, keys, rollover: null, ds: keys.flatMap((k) => (k.keytype !== 'zsk' ? k.ds ?? [] : [])) });
    } catch (e) { setError((e as Error).message); setD(null); }
  }, [zone]);
  useEffect(() => { void load(); }, [load]);
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setError(''); setNotice('');
    try { await fn(); setNotice(what); await load(); } catch (e) { setError(e instanceof ApiError ? e.message : String(e)); }
  };
  const copy = (text: string) => { void navigator.clipboard?.writeText(text); setNotice('Copied.'); };
  if (d === undefined) return <p aria-busy="true">Loading…</p>;
  if (d === null) return <><ErrorText text={error} /><NotAvailable what="DNSSEC key management" /></>;
  const base = `${G}/zones/${enc(zone)}/dnssec`;
  return (
    <div>
      <ErrorText text={error} />
      <Notice text={notice} />
      {d.source === 'file' && <p>This zone is served from a zone file: sign it with <code>--dnssec-keys</code>.</p>}
      {!d.dnssec && d.source !== 'file' && (
        <p>This zone is not signed. {writable && <button type="button" className="primary"
          onClick={() => void act('DNSSEC enabled: the zone is signed.', () => api('PUT', `${SERVER}/zones/${enc(zone)}`, { dnssec: true }))}>Enable DNSSEC</button>}</p>
      )}
      {d.dnssec && <p>Signed{d.nsec3param ? ` with NSEC3 (${d.nsec3param})` : ' with NSEC'}.</p>}
      {d.ds.length > 0 && (
        <div className="card">
          <h2 className="h3">DS records for the registrar</h2>
          {d.ds.map((x) => <div key={x} className="ds"><code>{x.split(/\s+/).slice(-4).join(' ')}</code>
            <button type="button" className="small" onClick={() => copy(x)} aria-label={`Copy DS ${x}`}>Copy</button></div>)}
        </div>
      )}
      {d.rollover && (
        <div className="card" role="status">
          <h2 className="h3">Rollover in progress</h2>
          <p>{d.rollover.kind === 'unsign' ? 'Turning DNSSEC off' : `${d.rollover.kind.toUpperCase()} rollover`} to key {d.rollover.newKey}: {STEP[d.rollover.step] ?? d.rollover.step} (since {when(d.rollover.since)}).</p>
          {writable && d.rollover.step === 'ds-wait' && <button type="button"
            onClick={() => void act('Recorded: the parent publishes the new DS.', () => api('POST', `${base}/ds-seen`))}>The parent publishes the new DS</button>}
        </div>
      )}
      {d.keys.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Keys of {zone}</caption>
            <thead><tr><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Algorithm</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
            <tbody>
              {d.keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.id}{k.keyTag !== undefined ? ` (tag ${k.keyTag})` : ''}</td><td>{k.keytype}</td>
                  <td>{k.algorithm ?? ''}{k.bits ? ` (${k.bits} bits)` : ''}</td>
                  <td>{k.state ?? (k.active ? 'active' : 'inactive')}{k.published === false ? ', unpublished' : ''}</td>
                  <td>{k.createdAt ? when(k.createdAt) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {writable && d.dnssec && !d.rollover && d.source !== 'file' && (
        <div className="actions">
          {(d.keys.some((k) => k.keytype === 'csk') ? ['csk'] : ['zsk', 'ksk']).map((t) => <button type="button" key={t}
            onClick={() => void act(`${t.toUpperCase()} rollover started.`, () => api('POST', `${base}/rollover`, { keytype: t }))}>Roll the {t.toUpperCase()}</button>)}
          <button type="button" className="danger" onClick={() => setConfirm('unsign')}>Turn DNSSEC off</button>
        </div>
      )}
      {confirm === 'unsign' && (
        <Confirm title="Turn DNSSEC off?" confirm="Turn off" danger onCancel={() => setConfirm(null)}
          onConfirm={() => { setConfirm(null); void act('Turning DNSSEC off: CDS/CDNSKEY delete published; keys go once the parent drops the DS.', () => api('POST', `${base}/unsign`)); }}>
          <p>The zone publishes CDS/CDNSKEY "delete" and stays signed until the parent has removed its DS, so
            validating resolvers never see a broken chain.</p>
        </Confirm>
      )}
    </div>
  );
}
