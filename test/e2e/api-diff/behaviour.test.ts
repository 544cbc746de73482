/**
 * Behavioural metadata kinds act as in PowerDNS (issue 6): the same API calls to both servers, then the
 * same DNS clients against both — AXFR allowed by ALLOW-AXFR-FROM or by a TSIG key (TSIG-ALLOW-AXFR),
 * refused otherwise; ALSO-NOTIFY sends a NOTIFY there on PUT /notify; SOA-EDIT-API moves the served serial.
 * PowerDNS runs with allow-axfr-ips empty (only metadata opens transfers) and primary=yes (it notifies);
 * Geodesic without --axfr-allow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { run } from '../lib/serve-process.js';
import { usePair } from './setup.js';
import { SERVER, ZONES, createZone, dropZones, replace, replay } from './replay.js';
import type { Servers, Step } from './replay.js';
import type { ApiServer } from './pdns.js';

const pair = usePair({ pdns: { extraConfig: 'allow-axfr-ips=\nprimary=yes\n' } });
const o = pair.opts;
const SECRET = 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0';

/** The records an AXFR gives (sorted lines), or null when the transfer is refused. */
async function axfr(s: ApiServer, zone: string, tsig?: string): Promise<string[] | null> {
  const args = [`@127.0.0.1`, '-p', String(s.dnsPort), zone, 'AXFR', '+time=3', '+tries=1', '+nocmd', '+nostats', '+noall', '+answer'];
  if (tsig) args.push('-y', tsig);
  const r = await run('dig', args);
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => l.split(/\s+/).join(' ')).filter((l) => !/\sTSIG\s/.test(l));
  return lines.some((l) => /\sSOA\s/.test(l)) ? [...new Set(lines)].sort() : null;
}

/** The same transfer asked of both servers: both refused, or both the same records. */
async function sameAxfr(zone: string, tsig?: string): Promise<string[] | null> {
  const { pdns, geodesic } = pair.servers;
  const a = await axfr(pdns!, zone, tsig);
  const b = await axfr(geodesic!, zone, tsig);
  assert.deepEqual(b, a, `AXFR of ${zone}${tsig ? ` with TSIG key ${tsig.split(':')[1]}` : ''}: pdns ${a ? `${a.length} records` : 'refused'}, geodesic ${b ? `${b.length} records` : 'refused'}`);
  return a;
}

async function both(steps: Step[]): Promise<void> {
  await pair.check([], steps);
}

test('ALLOW-AXFR-FROM opens AXFR to those networks; without it the transfer is refused', o, async () => {
  const Z = 'axfr.example.';
  await pair.check([Z], []);
  await both([createZone(Z), replace(Z, `www.${Z}`, 'A', ['192.0.2.1'])]);
  try {
    assert.equal(await sameAxfr(Z), null, 'refused before any ALLOW-AXFR-FROM');
    await both([{ method: 'PUT', path: `${ZONES}/${Z}/metadata/ALLOW-AXFR-FROM`, body: { metadata: ['192.0.2.0/24'] }, status: 200 }]);
    assert.equal(await sameAxfr(Z), null, 'refused when 127.0.0.1 is not listed');
    await both([{ method: 'PUT', path: `${ZONES}/${Z}/metadata/ALLOW-AXFR-FROM`, body: { metadata: ['192.0.2.0/24', '127.0.0.0/8'] }, status: 200 }]);
    const records = await sameAxfr(Z);
    assert.ok(records?.some((l) => l.startsWith(`www.${Z} 300 IN A 192.0.2.1`)), `www in the transfer: ${records?.join('\n')}`);
  } finally {
    await pair.check([Z], []);
  }
});

test('TSIG-ALLOW-AXFR (master_tsig_key_ids): AXFR signed with that key is allowed, unsigned refused', o, async () => {
  const Z = 'tsig.example.';
  await pair.check([Z], []);
  await both([
    { method: 'POST', path: `${SERVER}/tsigkeys`, status: 201, body: { name: 'xfr', algorithm: 'hmac-sha256', key: SECRET } },
    createZone(Z),
    { method: 'PUT', path: `${ZONES}/${Z}`, status: 204, body: { master_tsig_key_ids: ['xfr.'] } },
    { method: 'GET', path: `${ZONES}/${Z}/metadata/TSIG-ALLOW-AXFR`, status: 200 },
  ]);
  try {
    assert.equal(await sameAxfr(Z), null, 'refused without TSIG');
    assert.equal(await sameAxfr(Z, `hmac-sha256:wrong:${SECRET}`), null, 'refused with an unknown key');
    assert.ok(await sameAxfr(Z, `hmac-sha256:xfr:${SECRET}`), 'allowed with the key, at once');
  } finally {
    await pair.check([Z], [{ method: 'DELETE', path: `${SERVER}/tsigkeys/xfr.`, status: 204 }]);
  }
});

test('ALSO-NOTIFY: PUT /notify sends a NOTIFY for the zone to the listed address', o, async () => {
  const Z = 'notify.example.';
  await pair.check([Z], []);
  const sock = createSocket('udp4');
  const got: Array<{ qname: string; opcode: number }> = [];
  sock.on('message', (msg, rinfo) => {
    // the opcode is in bits 11-14 of the flags; the question's name starts at byte 12
    const opcode = (msg.readUInt16BE(2) >> 11) & 0xf;
    const labels: string[] = [];
    for (let i = 12; i < msg.length && msg[i]! > 0; i += msg[i]! + 1) labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString('latin1'));
    got.push({ qname: `${labels.join('.')}.`.toLowerCase(), opcode });
    // answer as a secondary would (QR set, same id), so neither server retries
    const reply = Buffer.from(msg);
    reply.writeUInt16BE(reply.readUInt16BE(2) | 0x8000, 2);
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  try {
    // one server at a time, so each NOTIFY received is known to come from that server
    for (const s of [pair.servers.pdns!, pair.servers.geodesic!]) {
      got.length = 0;
      const one: Servers = s.name === 'pdns' ? { pdns: s } : { geodesic: s };
      assert.deepEqual(await replay(one, [
        createZone(Z, { kind: 'Master' }),
        { method: 'PUT', path: `${ZONES}/${Z}/metadata/ALSO-NOTIFY`, status: 200, body: { metadata: [`127.0.0.1:${port}`] } },
        { method: 'PUT', path: `${ZONES}/${Z}/notify`, status: 200 },
      ]), []);
      const deadline = Date.now() + 10_000;
      while (!got.some((g) => g.qname === Z && g.opcode === 4) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(got.some((g) => g.qname === Z && g.opcode === 4), `${s.name} sent no NOTIFY for ${Z} to 127.0.0.1:${port} (got ${JSON.stringify(got)})`);
      await dropZones(one, [Z]);
    }
  } finally {
    sock.close();
  }
});

test('SOA-EDIT-API: the served SOA serial moves as the API says (DEFAULT, then INCREASE)', o, async () => {
  const Z = 'serial.example.';
  const soa: Step['dns'] = { name: Z, type: 'SOA' };
  try {
    await pair.check([Z], [
      { ...createZone(Z), dns: soa },
      { ...replace(Z, `a.${Z}`, 'A', ['192.0.2.1']), dns: soa },
      { method: 'PUT', path: `${ZONES}/${Z}`, status: 204, body: { soa_edit_api: 'INCREASE' } },
      { ...replace(Z, `a.${Z}`, 'A', ['192.0.2.2']), dns: soa },
      { ...replace(Z, `a.${Z}`, 'A', ['192.0.2.3']), dns: soa },
    ]);
  } finally {
    await pair.check([Z], []);
  }
});
