import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addressRecord, ADDR_BYTES, openUdp, recordAddress, recordPort } from './index.js';
import { testClient, UDP_PATHS } from './test-client.js';

const PATHS = UDP_PATHS;

for (const path of PATHS) {
  describe(`UdpEndpoint.sendTo (${path.name} path)`, { skip: path.skip, timeout: 20_000 }, () => {
    for (const host of ['127.0.0.1', '::1']) {
      it(`replies later, outside the batch, to a saved ${host} record`, async () => {
        const saved: Uint8Array[] = [];
        const ep = await openUdp({ host, port: 0, fallback: path.fallback }, (b) => {
          for (let i = 0; i < b.count; i++) saved.push(b.addr.slice(i * ADDR_BYTES, (i + 1) * ADDR_BYTES));
        });
        const c = await testClient(host, ep.port);
        try {
          c.send(new Uint8Array(12));
          for (let t = 0; t < 100 && saved.length === 0; t++) await new Promise((r) => setTimeout(r, 10));
          const rec = saved[0];
          assert.ok(rec, 'no datagram reached the handler');
          assert.equal(recordAddress(rec), host);
          assert.equal(recordPort(rec), c.port);
          assert.deepEqual(rec, addressRecord(host, c.port));
          const reply = Buffer.from('late reply');
          assert.equal(ep.sendTo(reply, rec), true);
          reply.fill(0); // sendTo does not keep the caller's buffer
          const [r] = await c.waitFor(1, 2000);
          assert.equal(r?.toString(), 'late reply');
          assert.equal(ep.stats().txPackets, 1);
        } finally { await c.close(); await ep.close(); }
      });
    }

    it('refuses a malformed record and reports a send after close', async () => {
      const ep = await openUdp({ host: '127.0.0.1', port: 0, fallback: path.fallback }, () => undefined);
      assert.throws(() => ep.sendTo(new Uint8Array(1), new Uint8Array(4)), /address record/);
      await ep.close();
      assert.equal(ep.sendTo(new Uint8Array(1), addressRecord('127.0.0.1', 9)), false);
      assert.equal(ep.stats().sendErrors, 1);
    });
  });
}
