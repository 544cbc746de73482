import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, enc, optional, SERVER } from '../api';
import { ErrorText, NotAvailable } from '../widgets';

interface CryptoKey { id: number; keytype: string; active: boolean; published?: boolean; algorithm?: string; bits?: number; dnskey?: string; ds?: string[]; flags?: number }

/** DNSSEC of a zone from PowerDNS's /cryptokeys: keys, their state, and the DS records to hand to the parent. */
export function DnssecTab({ zone, writable }: { zone: string; writable: boolean }) {
  const [keys, setKeys] = useState<CryptoKey[] | null | undefined>(undefined);
  const [error, setError] = useState('');
  const load = useCallback(async () => {
    try { setKeys(await optional<CryptoKey[]>(`${SERVER}/zones/${enc(zone)}/cryptokeys`)); } catch (e) { setError((e as Error).message); setKeys(null); }
  }, [zone]);
  useEffect(() => { void load(); }, [load]);
  const enable = async () => {
    setError('');
    try {
      await api('PUT', `${SERVER}/zones/${enc(zone)}`, { dnssec: true });
      await load();
    } catch (e) { setError(e instanceof ApiError ? e.message : String(e)); }
  };
  const copy = (text: string) => { void navigator.clipboard?.writeText(text); };
  if (keys === undefined) return <p aria-busy="true">Loading…</p>;
  return (
    <div>
      <ErrorText text={error} />
      {keys === null && <NotAvailable what="DNSSEC key management" />}
      {keys && keys.length === 0 && (
        <p>This zone is not signed. {writable && <button type="button" className="primary" onClick={() => void enable()}>Enable DNSSEC</button>}</p>
      )}
      {keys && keys.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Key</th><th scope="col">Type</th><th scope="col">Algorithm</th><th scope="col">State</th><th scope="col">DS for the parent</th></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.id}</td><td>{k.keytype}</td><td>{k.algorithm ?? ''}{k.bits ? ` (${k.bits} bits)` : ''}</td>
                  <td>{k.active ? 'active' : 'inactive'}{k.published === false ? ', unpublished' : ''}</td>
                  <td>{(k.ds ?? []).map((d) => (
                    <div key={d} className="ds"><code>{d}</code> <button type="button" className="small" onClick={() => copy(d)} aria-label={`Copy DS ${d}`}>Copy</button></div>
                  ))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
