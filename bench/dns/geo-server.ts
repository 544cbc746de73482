/**
 * A UDP-only Geodesic server for the w3 benchmark until `geodesic serve` takes --geoip-db and
 * --enable-lua-records: the zone file given (with the LUA record) through the native UDP path.
 *
 *   node --import tsx bench/dns/geo-server.ts --zone FILE --geoip-db DB.mmdb [--port 5312] [--host 127.0.0.1]
 */
import { parseArgs } from 'node:util';
import { Engine, GeoStage, luaErrorChannel } from '../../src/engine/index.js';
import { listenUdp } from '../../src/net/index.js';
import { ZoneSet, loadZoneFile } from '../../src/zone/index.js';

const { values } = parseArgs({
  options: {
    zone: { type: 'string' }, 'geoip-db': { type: 'string', multiple: true }, port: { type: 'string', default: '5312' },
    host: { type: 'string', default: '127.0.0.1' }, dgram: { type: 'boolean', default: false },
  },
});
if (values.zone === undefined) throw new Error('--zone FILE is required');
const geo = await GeoStage.create({ geoip: { files: values['geoip-db'] ?? [] }, enableLua: true });
luaErrorChannel.subscribe((m) => process.stderr.write(`${JSON.stringify(m)}\n`));
const engine = new Engine({ geo });
engine.setZones(new ZoneSet([loadZoneFile(values.zone)]));
const udp = await listenUdp({ host: values.host, port: Number(values.port), engine, rrl: null, forceDgram: values.dgram });
process.stderr.write(`geo-server listening on ${values.host}:${udp.endpoint.port}\n`);
const stop = (): void => { void udp.endpoint.close().then(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
