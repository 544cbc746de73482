/**
 * Recorded request sequences of external-dns, lego, acme.sh, octodns-powerdns and PowerDNS-Admin
 * (clients.ts: read from their source), replayed against PowerDNS 4.7 and Geodesic: the same answers,
 * and each client's own reading of them gives the same result on both.
 */
import { test } from 'node:test';
import { usePair } from './setup.js';
import { ZONES, createZone } from './replay.js';
import { acmeSh, certManager, externalDns, lego, lexicon, octodns, powerdnsAdmin } from './clients.js';

const pair = usePair();
const o = pair.opts;

test('acme.sh dns_pdns: add two challenges on one name, remove them one by one (notify after each)', o, () => pair.check(['acme.example.'], [
  createZone('acme.example.'),
  ...acmeSh('acme.example.'),
]));

test('lego pdns provider: Present twice and CleanUp twice on a Master zone (notify after each)', o, () => pair.check(['lego.example.'], [
  createZone('lego.example.', { kind: 'Master' }),
  ...lego('lego.example.'),
]));

test('certbot-dns-powerdns (dns-lexicon): two challenges added and removed on a Master zone, "{}" bodies on GET and notify', o, () => pair.check(['lex.example.'], [
  createZone('lex.example.', { kind: 'Master' }),
  ...lexicon('lex.example.'),
]));

test('cert-manager-webhook-pdns: two challenges presented and cleaned up (Content-Type on every request, GETs too)', o, () => pair.check(['cm.example.'], [
  createZone('cm.example.'),
  ...certManager('cm.example.'),
]));

test('external-dns pdns provider: list, read, create A/TXT/CNAME/apex ALIAS, update, delete', o, () => pair.check(['edns.example.'], [
  createZone('edns.example.'),
  ...externalDns('edns.example.'),
]));

test('octodns-powerdns: sync creates the zone (PATCH 404, then POST kind "master"), then updates it', o, () => pair.check(['octo.example.'], [
  ...octodns('octo.example.'),
]));

test('octodns-powerdns: a zone id with a slash as =2F', o, () => pair.check(['0/25.2.0.192.in-addr.arpa.'], [
  { method: 'GET', path: `${ZONES}/0=2F25.2.0.192.in-addr.arpa.`, status: 404 },
  { method: 'POST', path: ZONES, status: 201, body: { name: '0/25.2.0.192.in-addr.arpa.', kind: 'master', masters: [], nameservers: ['ns1.example.'], rrsets: [], soa_edit_api: 'default', serial: 0 } },
  { method: 'PATCH', path: `${ZONES}/0=2F25.2.0.192.in-addr.arpa.`, status: 204, body: { rrsets: [{ name: '5.0/25.2.0.192.in-addr.arpa.', type: 'PTR', ttl: 300, changetype: 'REPLACE', records: [{ content: 'host.example.', disabled: false }] }] } },
  { method: 'GET', path: `${ZONES}/0=2F25.2.0.192.in-addr.arpa.`, status: 200 },
]));

test('PowerDNS-Admin: dashboard, new domain, record edits, kind and SOA-EDIT-API, delete (bodies without Content-Type)', o, () => pair.check(['pda.example.'], [
  ...powerdnsAdmin('pda.example.'),
]));
