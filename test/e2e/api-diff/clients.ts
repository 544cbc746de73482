/**
 * Request sequences of the real PowerDNS API clients, written down from their public source: the same
 * paths, headers and body bytes each sends, in order, for the job it does. Each step may carry the
 * client's own reading of the answer (`check`), so "the same result" means the client would act the same.
 *
 *   acme.sh     acmesh-official/acme.sh dnsapi/dns_pdns.sh (curl: _get/_post)
 *   lego        go-acme/lego providers/dns/pdns/pdns.go, internal/client.go, internal/types.go
 *   external-dns kubernetes-sigs/external-dns provider/pdns/pdns.go over joeig/go-powerdns v3
 *   octodns     octodns/octodns-powerdns octodns_powerdns/__init__.py (requests.Session)
 *   PowerDNS-Admin ngoduykhanh/PowerDNS-Admin powerdnsadmin/models/{domain,record,server}.py, lib/utils.py
 *   certbot     certbot-dns-powerdns over dns-lexicon src/lexicon/_private/providers/powerdns.py
 *   cert-manager zachomedia/cert-manager-webhook-pdns main.go over joeig/go-powerdns v3
 */
import type { ApiResponse } from './http.js';
import { SERVER, ZONES } from './replay.js';
import type { Step } from './replay.js';

/** Go's json.Encoder: compact JSON and a newline; sent as these bytes. */
const goBody = (v: unknown): Pick<Step, 'body' | 'raw'> => ({ body: `${JSON.stringify(v)}\n`, raw: true });
/** Python's json.dumps with its default separators (", " and ": "); sent as these bytes. */
const pyBody = (v: unknown): Pick<Step, 'body' | 'raw'> => ({ body: pyJson(v), raw: true });

function pyJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

const json = (res: ApiResponse): unknown => res.body;
/** No client reads /notify's result text; Geodesic says which secondaries it notified after "Notification queued". */
const NOTIFY_NORM = { ignore: ['$.result'] };
const isJsonType = (res: ApiResponse): string | undefined =>
  res.status === 204 || res.contentType.includes('json') ? undefined : `content type "${res.contentType}" has no "json" (PowerDNS-Admin refuses such answers)`;

// ---------------------------------------------------------------------------------------------- acme.sh
const ACME_HEADERS = { 'User-Agent': 'acme.sh/3.1.0 (https://github.com/acmesh-official/acme.sh)', Accept: '*/*' };

/** acme.sh's _normalizeJson: spaces after colons before a quote, brace or bracket removed, lines joined. */
function acmeNormalizeJson(text: string): string {
  return text.replace(/" *: *(["{[])/g, '":$1').replace(/^ *([^ ])/gm, '$1').replace(/[\r\n]/g, '');
}

/** acme.sh's _list_existingchallenges: the TXT contents it finds for `fulldomain` in GET /zones/{root}. */
export function acmeExistingChallenges(text: string, fulldomain: string): string[] {
  const norm = acmeNormalizeJson(text);
  const esc = fulldomain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const blocks = norm.match(new RegExp(`"name":"${esc}[^\\]]*}`, 'g')) ?? [];
  return blocks.flatMap((b) => (b.match(/content":"\\"[^\\]*/g) ?? []).map((c) => c.replace(/^content":"\\"/, '')));
}

function acmeRoot(zone: string) {
  return (res: ApiResponse): string | undefined =>
    acmeNormalizeJson(res.text).includes(`"name":"${zone}"`) ? undefined : `acme.sh's _get_root does not find "name":"${zone}" in the zone list`;
}

function acmeSees(zone: string, full: string, want: string[]) {
  return (res: ApiResponse): string | undefined => {
    const got = acmeExistingChallenges(res.text, full).sort();
    return JSON.stringify(got) === JSON.stringify([...want].sort()) ? undefined : `acme.sh reads challenges ${JSON.stringify(got)} for ${full} in ${zone}, expected ${JSON.stringify(want)}`;
  };
}

/** dns_pdns_add / dns_pdns_rm for two challenges on one name (a certificate for example.org and *.example.org). */
export function acmeSh(zone: string): Step[] {
  const full = `_acme-challenge.${zone.slice(0, -1)}`;
  const replaceTxt = (tokens: string[]): Step => ({
    method: 'PATCH', path: `${ZONES}/${zone}`, status: 204, headers: { ...ACME_HEADERS, 'Content-Type': 'application/json' }, raw: true,
    body: `{"rrsets": [{"changetype": "REPLACE", "name": "${full}.", "type": "TXT", "ttl": 60, "records": [${tokens.map((t) => `{"content": "\\"${t}\\"", "disabled": false}`).join(', ')}]}]}`,
    // the ACME server looks right after the client's answer: the change must already be served
    dns: { name: `${full}.`, type: 'TXT', want: tokens.map((t) => `"${t}"`) },
  });
  // curl --data "" without a content type: application/x-www-form-urlencoded, empty body
  const notify: Step = { method: 'PUT', path: `${ZONES}/${zone}/notify`, status: 200, headers: { ...ACME_HEADERS, 'Content-Type': 'application/x-www-form-urlencoded' }, raw: true, body: '', norm: NOTIFY_NORM };
  const list: Step = { method: 'GET', path: ZONES, status: 200, headers: ACME_HEADERS, check: acmeRoot(zone) };
  const read = (want: string[]): Step => ({ method: 'GET', path: `${ZONES}/${zone}`, status: 200, headers: ACME_HEADERS, check: acmeSees(zone, full, want) });
  const T1 = 'dGVzdC10b2tlbi1vbmUtMDAwMDAwMDAwMDAwMDAwMDAw';
  const T2 = 'dGVzdC10b2tlbi10d28tMTExMTExMTExMTExMTExMTEx';
  return [
    // dns_pdns_add T1
    list, read([]), replaceTxt([T1]), notify,
    // dns_pdns_add T2: the existing T1 is found and kept
    list, read([T1]), replaceTxt([T2, T1]), notify,
    // dns_pdns_rm T1: DELETE the rrset, REPLACE with what is left
    list, read([T1, T2]),
    { method: 'PATCH', path: `${ZONES}/${zone}`, status: 204, headers: { ...ACME_HEADERS, 'Content-Type': 'application/json' }, raw: true, body: `{"rrsets": [{"changetype": "DELETE", "name": "${full}.", "type": "TXT"}]}`, dns: { name: `${full}.`, type: 'TXT', want: [] } },
    replaceTxt([T2]), notify,
    // dns_pdns_rm T2: it was the only one
    list, read([T2]),
    { method: 'PATCH', path: `${ZONES}/${zone}`, status: 204, headers: { ...ACME_HEADERS, 'Content-Type': 'application/json' }, raw: true, body: `{"rrsets": [{"changetype": "DELETE", "name": "${full}.", "type": "TXT"}]}`, dns: { name: `${full}.`, type: 'TXT', want: [] } },
    notify,
    read([]),
  ];
}

// ------------------------------------------------------------------------------------------------- lego
const LEGO_HEADERS = { 'User-Agent': 'goacme-lego/5.0.0 (linux; amd64) lego-cli/5.0.0 xenolf-acme/5.0.0', Accept: 'application/json', 'Accept-Encoding': 'gzip' };
const LEGO_JSON = { ...LEGO_HEADERS, 'Content-Type': 'application/json' };

interface LegoRecord { content: string; disabled: boolean; name: string; type: string; ttl?: number }

/** lego's findTxtRecord over GET /zones/{zone}: the TXT rrset of `fqdn` as lego re-encodes its records. */
function legoRecords(res: ApiResponse, fqdn: string): LegoRecord[] {
  const zone = json(res) as { rrsets?: Array<{ name: string; type: string; records: Array<{ content: string; disabled: boolean }> }> };
  const set = zone.rrsets?.find((s) => s.type === 'TXT' && (s.name === fqdn || s.name === fqdn.slice(0, -1)));
  return (set?.records ?? []).map((r) => ({ content: r.content, disabled: r.disabled, name: '', type: '' }));
}

/** Present twice (two challenges on one name), CleanUp twice; the zone is Master so lego also notifies. */
export function lego(zone: string, apiVersionCheck = true): Step[] {
  const fqdn = `_acme-challenge.${zone}`;
  const TTL = 120;
  const v1 = `"${'x'.repeat(43)}"`;
  const v2 = `"${'y'.repeat(43)}"`;
  const getZone = (want: string[]): Step => ({
    method: 'GET', path: `/api/v1/servers/localhost/zones/${zone}`, status: 200, headers: LEGO_HEADERS,
    check: (res) => {
      const z = json(res) as { id?: unknown; kind?: unknown };
      if (typeof z.id !== 'string' || typeof z.kind !== 'string') return 'no id or kind in the zone (lego PATCHes zone.ID, notifies by kind)';
      const got = legoRecords(res, fqdn).map((r) => r.content).sort();
      return JSON.stringify(got) === JSON.stringify([...want].sort()) ? undefined : `lego finds ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
    },
  });
  const rr = (records: LegoRecord[] | undefined, changetype: string, kind: string, ttl?: number): Step => ({
    method: 'PATCH', path: `/api/v1/servers/localhost/zones/${zone}`, status: 204, headers: LEGO_JSON,
    ...goBody({ rrsets: [{ name: fqdn, type: 'TXT', kind, changetype, ...(records ? { records } : {}), ...(ttl ? { ttl } : {}) }] }),
    dns: { name: fqdn, type: 'TXT', want: (records ?? []).map((r) => r.content) },
  });
  // an empty bytes.Buffer: Content-Length 0 with Content-Type application/json
  const notify: Step = { method: 'PUT', path: `/api/v1/servers/localhost/zones/${zone}/notify`, status: 200, headers: LEGO_JSON, raw: true, body: '', norm: NOTIFY_NORM };
  const fresh = (content: string): LegoRecord => ({ content, disabled: false, name: fqdn, type: 'TXT', ttl: TTL });
  const kept = (content: string): LegoRecord => ({ content, disabled: false, name: '', type: '' });
  return [
    ...(apiVersionCheck ? [{
      method: 'GET', path: '/api', status: 200, headers: LEGO_HEADERS,
      check: (res: ApiResponse) => ((json(res) as Array<{ version?: number }>)?.some?.((v) => v.version === 1) ? undefined : 'GET /api has no {version: 1}'),
    } as Step] : []),
    getZone([]), rr([fresh(v1)], 'REPLACE', 'Master', TTL), notify,
    getZone([v1]), rr([kept(v1), fresh(v2)], 'REPLACE', 'Master', TTL), notify,
    // CleanUp v1: the rest is REPLACEd (kind "" as lego's zero value), then CleanUp v2: DELETE
    getZone([v1, v2]), rr([kept(v2)], 'REPLACE', '', TTL), notify,
    getZone([v2]), rr(undefined, 'DELETE', ''), notify,
    getZone([]),
  ];
}

// ----------------------------------------------------------------------------------------- external-dns
const EDNS = { 'User-Agent': 'go-powerdns', 'Accept-Encoding': 'gzip' };
const EDNS_JSON = { ...EDNS, 'Content-Type': 'application/json', Accept: 'application/json' };
const OWNER = (res: string): string => `"heritage=external-dns,external-dns/owner=default,external-dns/resource=${res}"`;

/** One sync loop: list zones, read each, PATCH creates (A, TXT registry, apex CNAME as ALIAS), then an
 * update and a delete as later loops send them. */
export function externalDns(zone: string): Step[] {
  const www = `www.${zone}`;
  const records = (contents: string[]): Array<{ content: string; disabled: boolean }> => contents.map((content) => ({ content, disabled: false }));
  const patchZone = (rrsets: unknown[]): Step => ({ method: 'PATCH', path: `${ZONES}/${zone}`, status: 204, headers: EDNS_JSON, ...goBody({ rrsets }) });
  const listZones: Step = {
    method: 'GET', path: ZONES, status: 200, headers: EDNS,
    check: (res) => ((json(res) as Array<{ name?: string; id?: string }>).some((z) => z.name === zone && z.id === zone) ? undefined : `zone list has no {name, id} ${zone}`),
  };
  const readZone: Step = { method: 'GET', path: `${ZONES}/${zone}`, status: 200, headers: EDNS };
  return [
    listZones, readZone,
    // ApplyChanges Create: sorted by name then type; TXT registry records (type-prefixed names)
    listZones,
    patchZone([
      { name: `a-www.${zone}`, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: records([OWNER('service/default/web')]) },
      { name: `cname-api.${zone}`, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: records([OWNER('ingress/default/api')]) },
      { name: `api.${zone}`, type: 'CNAME', ttl: 60, changetype: 'REPLACE', records: records([`lb.example.net.`]) },
      { name: zone, type: 'ALIAS', ttl: 300, changetype: 'REPLACE', records: records(['lb.example.net.']) },
      { name: www, type: 'A', ttl: 300, changetype: 'REPLACE', records: records(['192.0.2.10', '192.0.2.11']) },
    ]),
    listZones, readZone,
    // UpdateNew: a new target list and TTL
    listZones,
    { ...patchZone([{ name: www, type: 'A', ttl: 120, changetype: 'REPLACE', records: records(['192.0.2.12']) }]), dns: { name: www, type: 'A', want: ['192.0.2.12'] } },
    // Delete: DELETE with the records it had (no TTL)
    listZones,
    patchZone([
      { name: `cname-api.${zone}`, type: 'TXT', changetype: 'DELETE', records: records([OWNER('ingress/default/api')]) },
      { name: `api.${zone}`, type: 'CNAME', changetype: 'DELETE', records: records(['lb.example.net.']) },
    ]),
    readZone,
  ];
}

// ------------------------------------------------------------------------------------------- cert-manager
/** cert-manager-webhook-pdns: Present and CleanUp for two challenges on one name (example.org and
 * *.example.org), both REPLACE with the whole TXT rrset as read; every request, GETs included, carries
 * Content-Type: application/json (its header map). */
export function certManager(zone: string): Step[] {
  const fqdn = `_acme-challenge.${zone}`;
  const H = { ...EDNS, 'Content-Type': 'application/json' };
  const get: Step = { method: 'GET', path: `${ZONES}/${zone}`, status: 200, headers: H };
  const put = (contents: string[]): Step => ({
    method: 'PATCH', path: `${ZONES}/${zone}`, status: 204, headers: { ...H, Accept: 'application/json' },
    ...goBody({ rrsets: [{ name: fqdn, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: contents.map((content) => ({ content, disabled: false })) }] }),
    dns: { name: fqdn, type: 'TXT', want: contents },
  });
  const k1 = '"cm-key-one-0000000000000000000000000000000000"';
  const k2 = '"cm-key-two-1111111111111111111111111111111111"';
  return [get, put([k1]), get, put([k1, k2]), get, put([k2]), get, put([]), get];
}

// ---------------------------------------------------------------------------------------------- octodns
const OCTO = { 'User-Agent': 'octodns/1.10.0 octodns-powerdns/1.2.0', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive' };
const OCTO_JSON = { ...OCTO, 'Content-Type': 'application/json' };

/** octodns's powerdns_version: the first three dotted numbers of `version`. */
export function octoVersion(res: ApiResponse): number[] | undefined {
  const v = (json(res) as { version?: unknown })?.version;
  if (typeof v !== 'string') return undefined;
  const parts = v.split('.').slice(0, 3).map((p) => Number.parseInt(p.split('-')[0] ?? '', 10));
  return parts.every((n) => Number.isInteger(n)) ? parts : undefined;
}

/** octodns sync of a zone the server does not have yet (PATCH 404 → POST), then an update with a DELETE. */
export function octodns(zone: string): Step[] {
  const id = encodeURIComponent(zone).replace(/%/g, '=');
  const rec = (contents: string[]): Array<{ content: string; disabled: boolean }> => contents.map((content) => ({ content, disabled: false }));
  const mods = [
    { name: zone, type: 'NS', ttl: 3600, changetype: 'REPLACE', records: rec([`ns1.${zone}`, `ns2.${zone}`]) },
    { name: `www.${zone}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: rec(['192.0.2.1', '192.0.2.2']) },
    { name: `mail.${zone}`, type: 'MX', ttl: 300, changetype: 'REPLACE', records: rec([`10 mx1.${zone}`, `20 mx2.${zone}`]) },
    { name: `txt.${zone}`, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: rec(['"v=spf1 -all"', '"semi\\;colon"']) },
    { name: `_sip._tcp.${zone}`, type: 'SRV', ttl: 300, changetype: 'REPLACE', records: rec([`10 20 5060 sip.${zone}`]) },
    { name: `cdn.${zone}`, type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: rec(['cdn.example.net.']) },
  ];
  return [
    {
      method: 'GET', path: SERVER, status: 200, headers: OCTO,
      check: (res) => {
        const v = octoVersion(res);
        if (v === undefined) return `octodns cannot parse "version": ${res.text.slice(0, 100)}`;
        // >= 4.2: a missing zone is a 404 (else octodns expects 422 "Could not find domain"); >= 4.5 for mode "primary"
        return v[0]! > 4 || (v[0] === 4 && v[1]! >= 5) ? undefined : `version ${v.join('.')} is below 4.5: octodns would treat 404s as errors`;
      },
    },
    {
      method: 'GET', path: `${SERVER}/config`, status: 200, headers: OCTO, norm: { statusOnly: true },
      check: (res) => (Array.isArray(json(res)) && (json(res) as Array<{ name?: unknown; value?: unknown }>).every((x) => typeof x.name === 'string' && 'value' in x) ? undefined : 'config is not a list of {name, value}'),
    },
    { method: 'GET', path: `${ZONES}/${id}`, status: 404, headers: OCTO },
    { method: 'PATCH', path: `${ZONES}/${id}`, status: 404, headers: OCTO_JSON, ...pyBody({ rrsets: mods }) },
    {
      method: 'POST', path: ZONES, status: 201, headers: OCTO_JSON,
      ...pyBody({ name: zone, kind: 'master', masters: [], nameservers: [], rrsets: mods, soa_edit_api: 'default', serial: 0 }),
    },
    { method: 'GET', path: `${ZONES}/${id}`, status: 200, headers: OCTO },
    {
      method: 'PATCH', path: `${ZONES}/${id}`, status: 204, headers: OCTO_JSON, ...pyBody({
        rrsets: [
          { name: `cdn.${zone}`, type: 'CNAME', ttl: 300, changetype: 'DELETE', records: rec(['cdn.example.net.']) },
          { name: `www.${zone}`, type: 'A', ttl: 600, changetype: 'REPLACE', records: rec(['192.0.2.3']) },
        ],
      }),
    },
    { method: 'GET', path: `${ZONES}/${id}`, status: 200, headers: OCTO },
    // requests without a body: Content-Length 0, no Content-Type
    { method: 'PUT', path: `${ZONES}/${id}/notify`, status: 200, headers: OCTO, raw: true, body: '', norm: NOTIFY_NORM },
  ];
}

// --------------------------------------------------------------------------------- certbot (dns-lexicon)
const LEXICON = { 'User-Agent': 'python-requests/2.31.0', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive', 'Content-Type': 'application/json' };

/** certbot-dns-powerdns's auth and cleanup hooks through lexicon, for two challenges on one name. Lexicon
 * sends `{}` as the body of every request, GETs and the notify PUT included, and notifies Master zones by
 * their id without the final dot. */
export function lexicon(zone: string): Step[] {
  const bare = zone.slice(0, -1);
  const name = `_acme-challenge.${zone}`;
  const s = (step: Step): Step => ({ ...step, headers: LEXICON, raw: true, body: step.body ?? '{}' });
  const get: Step = s({ method: 'GET', path: `${ZONES}/${zone}`, status: 200 });
  const notify: Step = s({ method: 'PUT', path: `${ZONES}/${bare}/notify`, status: 200, norm: NOTIFY_NORM });
  const rrs = (changetype: string, contents: string[]): Step => s({
    method: 'PATCH', path: `${ZONES}/${zone}`, status: 204,
    body: pyJson({ rrsets: [{ name, type: 'TXT', records: contents.map((content) => ({ content, disabled: false })), ttl: 60, changetype }] }),
    dns: { name, type: 'TXT', want: contents },
  });
  return [
    get, rrs('REPLACE', ['"tok-one"']), notify,
    get, rrs('REPLACE', ['"tok-two"', '"tok-one"']), notify,
    // delete_record(TXT, name, content): the rrset as read (comments dropped), REPLACE with what is left
    get, rrs('REPLACE', ['"tok-two"']), notify,
    get, rrs('REPLACE', []), notify,
    get,
  ];
}

// ------------------------------------------------------------------------------------------ PowerDNS-Admin
/** PowerDNS-Admin's fetch_remote passes only the caller's headers: the key, no Content-Type, Accept any. */
const PDA = { 'User-Agent': 'python-requests/2.25.1', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive' };

/** What differs between any two keys: the key material, its id, its digests. */
const KEY_VOLATILE = ['$.dnskey', '$.ds', '$.id', '$.privatekey'];

const F29 = 'F29: adding and deleting a cryptokey raise the serial';

const PDA_ZONE_KEYS = ['name', 'masters', 'kind', 'serial', 'notified_serial', 'last_check', 'dnssec'];

/** Dashboard, new domain with NS, record edits (apply: DELETE step, then REPLACE step), kind and SOA-EDIT-API change, delete. */
export function powerdnsAdmin(zone: string): Step[] {
  const bare = zone.slice(0, -1);
  const s = (step: Step): Step => ({ ...step, headers: { ...PDA, ...(step.headers ?? {}) }, check: step.check ?? isJsonType });
  const rec = (content: string, disabled = false): { content: string; disabled: boolean } => ({ content, disabled });
  const blank = [{ content: '', account: '' }];
  return [
    s({ method: 'GET', path: ZONES, status: 200 }),
    s({ method: 'GET', path: `${SERVER}/statistics`, status: 200, norm: { statusOnly: true } }),
    s({ method: 'GET', path: `${SERVER}/config`, status: 200, norm: { statusOnly: true } }),
    // Domain.add: kind as chosen in the form, no account
    s({ method: 'POST', path: ZONES, status: 201, ...pyBody({ name: zone, kind: 'Native', masters: [], nameservers: [`ns1.${zone}`, `ns2.${zone}`], soa_edit_api: 'DEFAULT', account: null }) }),
    s({
      method: 'GET', path: `${ZONES}/${zone}`, status: 200,
      check: (res) => {
        const z = json(res) as Record<string, unknown>;
        const missing = PDA_ZONE_KEYS.filter((k) => !(k in z));
        return missing.length ? `zone lacks ${missing.join(', ')} (add_domain_to_powerdns_admin reads them)` : isJsonType(res);
      },
    }),
    // Domain.update (every dashboard visit): each listed zone is read by these keys
    s({
      method: 'GET', path: ZONES, status: 200,
      check: (res) => {
        const bad = (json(res) as Array<Record<string, unknown>>).find((z) => PDA_ZONE_KEYS.some((k) => !(k in z)));
        return bad ? `a listed zone lacks ${PDA_ZONE_KEYS.filter((k) => !(k in bad)).join(', ')} (Domain.update reads them)` : isJsonType(res);
      },
    }),
    // Record.apply: GET by the bare name, then PATCH the new rrsets (blank comments included, as it sends them)
    s({ method: 'GET', path: `${ZONES}/${bare}`, status: 200 }),
    s({
      method: 'PATCH', path: `${ZONES}/${bare}`, status: 204, ...pyBody({
        rrsets: [
          { name: `mail.${zone}`, type: 'MX', ttl: 3600, records: [rec(`10 mx.${zone}`)], comments: blank, changetype: 'REPLACE' },
          { name: `www.${zone}`, type: 'A', ttl: 3600, records: [rec('192.0.2.1'), rec('192.0.2.2', true)], comments: [{ content: 'web servers', account: '' }], changetype: 'REPLACE' },
        ],
      }),
    }),
    s({ method: 'GET', path: `${ZONES}/${bare}`, status: 200 }),
    // the next apply: one rrset removed (DELETE with what GET gave minus modified_at), one changed
    s({
      method: 'PATCH', path: `${ZONES}/${bare}`, status: 204, ...pyBody({
        rrsets: [{ comments: blank, name: `mail.${zone}`, records: [rec(`10 mx.${zone}`)], ttl: 3600, type: 'MX', changetype: 'DELETE' }],
      }),
    }),
    s({
      method: 'PATCH', path: `${ZONES}/${bare}`, status: 204, ...pyBody({
        rrsets: [{ name: `www.${zone}`, type: 'A', ttl: 300, records: [rec('192.0.2.3')], comments: blank, changetype: 'REPLACE' }],
      }),
    }),
    s({ method: 'GET', path: `${ZONES}/${bare}`, status: 200 }),
    // a refused record: the 422's JSON error is shown to the user
    s({
      method: 'PATCH', path: `${ZONES}/${bare}`, status: 422, ...pyBody({
        rrsets: [{ name: `bad.${zone}`, type: 'A', ttl: 300, records: [rec('192.0.2.256')], comments: blank, changetype: 'REPLACE' }],
      }),
      check: (res) => (typeof (json(res) as { error?: unknown })?.error === 'string' ? undefined : 'no "error" to show'),
    }),
    // Domain.enable_domain_dnssec: API-RECTIFY on, then a KSK (PowerDNS makes it a CSK: no ZSK yet)
    s({ method: 'PUT', path: `${ZONES}/${bare}`, status: 204, ...pyBody({ api_rectify: true }) }),
    s({ method: 'POST', path: `${ZONES}/${bare}/cryptokeys`, status: 201, ...pyBody({ keytype: 'ksk', active: true }), norm: { ignore: KEY_VOLATILE } }),
    s({ method: 'GET', path: `${ZONES}/${bare}/cryptokeys`, status: 200, norm: { ignore: KEY_VOLATILE.map((k) => `$[*]${k.slice(1)}`) } }),
    // Domain.delete_dnssec_key: the key listed, then API-RECTIFY off
    s({
      method: 'DELETE', path: `${ZONES}/${bare}/cryptokeys/{id}`, status: 204, check: () => undefined,
      pathFrom: (list) => `${ZONES}/${bare}/cryptokeys/${(list.body as Array<{ id: number }>)[0]?.id ?? 'none'}`,
    }),
    s({ method: 'PUT', path: `${ZONES}/${bare}`, status: 204, ...pyBody({ api_rectify: false }) }),
    s({ method: 'GET', path: `${ZONES}/${bare}?rrsets=false`, status: 200, known: F29 }),
    // Domain.update_kind, update_soa_setting: 204 is read as {}
    s({ method: 'PUT', path: `${ZONES}/${bare}`, status: 204, ...pyBody({ kind: 'Master', masters: [] }) }),
    s({ method: 'PUT', path: `${ZONES}/${bare}`, status: 204, ...pyBody({ soa_edit_api: 'INCREASE', kind: 'Master' }) }),
    s({ method: 'GET', path: `${ZONES}/${bare}`, status: 200, known: F29 }),
    s({ method: 'GET', path: `${SERVER}/search-data?object_type=all&q=*${bare}*`, status: 200, known: F29 }),
    // Domain.delete
    s({ method: 'DELETE', path: `${ZONES}/${bare}`, status: 204, check: () => undefined }),
    s({ method: 'GET', path: ZONES, status: 200 }),
  ];
}
