import { subscribe } from 'node:diagnostics_channel';
import type { Logger } from 'pino';
import type { GeoConfig } from '../config/index.js';
import { GeoStage, luaErrorChannel } from '../engine/index.js';
import type { LuaErrorEvent } from '../engine/index.js';
import type { HealthPlane } from '../health/index.js';

/**
 * The geo stage for `geodesic serve` from the `geo:` config section: opens the GeoIP databases (a broken
 * file is an error naming it), starts the reload check, and logs LUA record failures and reloads.
 * With a health plane, LUA health functions and declarative records use its checks.
 * Pass the result as `new Engine({ geo })`; call `close()` on shutdown.
 */
export async function startGeo(config: GeoConfig, log: Logger, health: HealthPlane | null = null): Promise<GeoStage> {
  const stage = await GeoStage.create({
    health: health ?? undefined,
    geoip: { files: config.databases, overrides: config.overrides },
    enableLua: config.luaRecords,
    execLimit: config.luaExecLimit,
    cacheSize: config.cacheSize,
  });
  const paths = stage.geoip.paths;
  log.info({ event: 'geoip-loaded', databases: paths, luaRecords: config.luaRecords }, `GeoIP: ${paths.join(', ')}`);
  if (config.reloadIntervalMs > 0) {
    stage.geoip.watch((e) => {
      if (e.error !== undefined) {
        log.error({ event: 'geoip-reload-failed', path: e.path, err: e.error }, `GeoIP database ${e.path} not reloaded (the previous version keeps serving): ${e.error.message}`);
      } else {
        stage.clear();
        log.info({ event: 'geoip-reloaded', path: e.path }, `GeoIP database ${e.path} reloaded`);
      }
    }, config.reloadIntervalMs);
  }
  // A failing record fails on every query: log it once a minute per name and type, with the count.
  const lastLogged = new Map<string, { at: number; suppressed: number }>();
  subscribe(luaErrorChannel.name, (m) => {
    const e = m as LuaErrorEvent;
    if (e.code.startsWith('log:')) { log.info({ event: 'lua-log', level: e.code.slice(4) }, e.message); return; }
    const key = `${e.qname} ${e.qtype}`;
    const now = Date.now();
    const seen = lastLogged.get(key);
    if (seen !== undefined && now - seen.at < 60_000) { seen.suppressed++; return; }
    if (lastLogged.size > 10_000) lastLogged.clear();
    lastLogged.set(key, { at: now, suppressed: 0 });
    const more = seen !== undefined && seen.suppressed > 0 ? ` (and ${seen.suppressed} more failures in the last minute)` : '';
    log.warn({ event: 'lua-record-failed', qname: e.qname, qtype: e.qtype, records: e.records, code: e.code }, `LUA record ${e.qname} ${e.qtype} failed: ${e.message}${more}`);
  });
  return stage;
}
