import type { ApiPlugin } from '../context.js';

/**
 * GET /api, /api/v1, /api/v1/servers, /api/v1/servers/localhost (PowerDNS discovery and Server objects).
 * `version` starts with the PowerDNS version whose API this is: clients (octodns) pick behaviour by it.
 */
export const serverRoutes: ApiPlugin = async (app, ctx) => {
  const server = (): Record<string, unknown> => ({
    type: 'Server', id: ctx.serverId, daemon_type: 'authoritative', version: `4.7.4-geodesic-${ctx.deps.version ?? '0'}`,
    url: `/api/v1/servers/${ctx.serverId}`,
    config_url: `/api/v1/servers/${ctx.serverId}/config{/config_setting}`,
    zones_url: `/api/v1/servers/${ctx.serverId}/zones{/zone}`,
    autoprimaries_url: `/api/v1/servers/${ctx.serverId}/autoprimaries{/autoprimary}`,
  });
  app.get('/api', async () => [{ url: '/api/v1', version: 1 }]);
  app.get('/api/v1', async () => [{ server_url: '/api/v1/servers{/server}', api_features: [] }]);
  app.get('/api/v1/servers', async () => [server()]);
  app.get(`/api/v1/servers/${ctx.serverId}`, async () => server());
};
