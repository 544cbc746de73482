import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api, enc, G } from '../api';
import type { RRset, RRsetPatch } from '../api';
import { Confirm, ErrorText, Notice } from '../widgets';
import { draftOf, RecordForm } from './record-form';
import type { RRsetDraft } from './record-form';
import { patchZone } from './zone';

const PAGE = 200;
const ROW = 44;

interface Page { total: number; rrsets: RRset[]; source?: string }

function toPatch(d: RRsetDraft): RRsetPatch {
  return {
    name: d.name, type: d.type, changetype: 'REPLACE', ttl: d.ttl,
    records: d.contents.map((content, i) => ({ content, disabled: d.disabled[i] ?? false })),
    comments: d.comment ? [{ content: d.comment, account: '', modified_at: 0 }] : [],
  };
}

/**
 * The records of one zone as RRsets: a virtualized table fed page by page by the server (search and type
 * filter run there), so 10,000 records stay as fast as 10. Inline edit, add, and bulk delete/TTL as one PATCH.
 */
export function RecordsTab({ zone, writable: mayWrite, luaEnabled, types }: { zone: string; writable: boolean; luaEnabled: boolean; types?: string[] }) {
  const [q, setQ] = useState('');
  const [source, setSource] = useState('store');
  const writable = mayWrite && source !== 'file';
  const [type, setType] = useState('');
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, RRset[]>>(new Map());
  const [version, setVersion] = useState(0);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [editing, setEditing] = useState<RRset | 'new' | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirmBulk, setConfirmBulk] = useState(false);
  const [bulkTtl, setBulkTtl] = useState('');
  const loading = useRef(new Set<string>());

  const url = useCallback((offset: number) =>
    `${G}/zones/${enc(zone)}/rrsets?q=${encodeURIComponent(q)}&type=${encodeURIComponent(type)}&offset=${offset}&limit=${PAGE}`, [zone, q, type]);

  const versionRef = useRef(0);
  const loadPage = useCallback(async (page: number, v: number) => {
    const k = `${v}:${page}`;
    if (loading.current.has(k)) return;
    loading.current.add(k);
    try {
      const data = await api<Page>('GET', url(page * PAGE));
      if (v !== versionRef.current) return;
      setTotal(data.total);
      setSource(data.source ?? 'store');
      setPages((m) => new Map(m).set(page, data.rrsets));
      setError('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      loading.current.delete(k);
    }
  }, [url]);
  const reload = useCallback(() => {
    versionRef.current += 1;
    loading.current.clear();
    setPages(new Map());
    setVersion(versionRef.current);
  }, []);
  useEffect(() => { reload(); }, [q, type, reload]);
  useEffect(() => { void loadPage(0, version); }, [version, loadPage]);

  const parent = useRef<HTMLDivElement>(null);
  const count = total ?? 0;
  const virt = useVirtualizer({ count, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 10 });
  const items = virt.getVirtualItems();
  useEffect(() => {
    const needed = new Set(items.map((i) => Math.floor(i.index / PAGE)));
    for (const p of needed) if (!pages.has(p)) void loadPage(p, version);
  }, [items, pages, loadPage, version]);
  const rowAt = (i: number): RRset | undefined => pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  const key = (r: RRset) => `${r.name}/${r.type}`;
  const rel = (n: string) => (n === zone ? '@' : n.endsWith(`.${zone}`) ? n.slice(0, -zone.length - 1) : n);

  const save = async (d: RRsetDraft) => {
    await patchZone(zone, [toPatch(d)]);
    setEditing(null);
    setNotice(`Saved ${d.name} ${d.type}.`);
    reload();
  };
  const selectedSets = useMemo(() => [...pages.values()].flat().filter((r) => selected.has(key(r))), [pages, selected]);
  const bulkDelete = async () => {
    setConfirmBulk(false);
    try {
      await patchZone(zone, selectedSets.map((r) => ({ name: r.name, type: r.type, changetype: 'DELETE' as const })));
      setNotice(`Deleted ${selectedSets.length} RRsets in one change.`);
      setSelected(new Set());
      reload();
    } catch (e) { setError((e as Error).message); }
  };
  const bulkSetTtl = async () => {
    const t = Number(bulkTtl);
    if (!Number.isInteger(t) || t < 0) { setError('TTL is a whole number of seconds.'); return; }
    try {
      await patchZone(zone, selectedSets.map((r) => ({ ...toPatch(draftOf(r)), ttl: t })));
      setNotice(`TTL ${t} set on ${selectedSets.length} RRsets in one change.`);
      setSelected(new Set());
      reload();
    } catch (e) { setError((e as Error).message); }
  };
  const toggle = (r: RRset) => setSelected((s) => { const n = new Set(s); if (n.has(key(r))) n.delete(key(r)); else n.add(key(r)); return n; });

  return (
    <div>
      <div className="toolbar" role="search">
        <label htmlFor="rr-search">Search records</label>
        <input id="rr-search" type="search" value={q} placeholder="name or content contains…" onChange={(e) => setQ(e.target.value)} />
        <label htmlFor="rr-type-filter">Type</label>
        <select id="rr-type-filter" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">all</option>
          {(types ?? ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'SOA', 'LUA']).map((t) => <option key={t}>{t}</option>)}
        </select>
        {writable && <button type="button" className="primary" onClick={() => setEditing('new')}>Add record</button>}
      </div>
      <Notice text={notice} />
      <ErrorText text={error} />
      {editing === 'new' && <RecordForm zone={zone} luaEnabled={luaEnabled} types={types} onSave={save} onCancel={() => setEditing(null)} />}
      {writable && selected.size > 0 && (
        <div className="bulk" role="region" aria-label="Bulk changes">
          <span>{selected.size} selected</span>
          <label htmlFor="bulk-ttl">New TTL</label>
          <input id="bulk-ttl" inputMode="numeric" value={bulkTtl} onChange={(e) => setBulkTtl(e.target.value)} size={8} />
          <button type="button" onClick={() => void bulkSetTtl()}>Set TTL</button>
          <button type="button" className="danger" onClick={() => setConfirmBulk(true)}>Delete selected</button>
        </div>
      )}
      <p className="muted" aria-live="polite">{total === null ? 'Loading…' : `${total} RRset${total === 1 ? '' : 's'}`}
        {source === 'file' && ' · served from a zone file: change the file and reload the server'}</p>
      <div className="rr-table" role="table" aria-label={`Records of ${zone}`} aria-rowcount={count + 1}>
        <div className="rr-row rr-head" role="row" aria-rowindex={1}>
          <span role="columnheader" className="c-sel"><span className="sr-only">Select</span></span>
          <span role="columnheader" className="c-name">Name</span>
          <span role="columnheader" className="c-type">Type</span>
          <span role="columnheader" className="c-ttl">TTL</span>
          <span role="columnheader" className="c-content c-head">Content</span>
          <span role="columnheader" className="c-act"><span className="sr-only">Actions</span></span>
        </div>
        <div ref={parent} className="rr-body" role="rowgroup" style={{ height: `min(70vh, ${Math.max(virt.getTotalSize(), 3 * ROW) + 2}px)` }}>
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const r = rowAt(it.index);
              const open = r !== undefined && editing !== null && editing !== 'new' && key(editing) === key(r);
              return (
                <div key={it.key} role="none" data-index={it.index} ref={virt.measureElement}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${it.start}px)` }}>
                  <div className="rr-row" role="row" aria-rowindex={it.index + 2} style={{ height: ROW }}>
                    {r ? (
                      <>
                        <span role="cell" className="c-sel">
                          {writable && r.type !== 'SOA' && <input type="checkbox" aria-label={`Select ${r.name} ${r.type}`}
                            checked={selected.has(key(r))} onChange={() => toggle(r)} />}
                        </span>
                        <span role="cell" className="c-name" title={r.name}>{rel(r.name)}</span>
                        <span role="cell" className="c-type">{r.type}</span>
                        <span role="cell" className="c-ttl">{r.ttl}</span>
                        <span role="cell" className="c-content" title={r.records.map((x) => x.content).join('\n')}>
                          {r.records.map((x) => (x.disabled ? `(disabled) ${x.content}` : x.content)).join(' · ')}
                          {r.comments[0] && <small className="comment"> — {r.comments[0].content}</small>}
                        </span>
                        <span role="cell" className="c-act">
                          {writable && r.type !== 'SOA' && (
                            <button type="button" className="small" aria-label={`Edit ${r.name} ${r.type}`} aria-expanded={open}
                              onClick={() => setEditing(open ? null : r)}>Edit</button>
                          )}
                        </span>
                      </>
                    ) : <span role="cell" className="muted">…</span>}
                  </div>
                  {open && (
                    <div role="row" className="rr-edit">
                      <div role="cell" aria-colspan={6}>
                        <RecordForm zone={zone} initial={draftOf(r)} luaEnabled={luaEnabled} types={types} onSave={save}
                          onCancel={() => setEditing(null)} />
                      </div>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {confirmBulk && (
        <Confirm title={`Delete ${selectedSets.length} RRsets?`} confirm="Delete" danger onCancel={() => setConfirmBulk(false)}
          onConfirm={() => void bulkDelete()}>
          <ul>{selectedSets.slice(0, 20).map((r) => <li key={key(r)}>{r.name} {r.type}</li>)}</ul>
          <p>They are removed in one change, which the history can revert.</p>
        </Confirm>
      )}
    </div>
  );
}
