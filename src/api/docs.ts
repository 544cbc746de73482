import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './context.js';

/**
 * The OpenAPI document, built by @fastify/swagger from the routes' schemas: GET /api/docs (PowerDNS's
 * path, with a key) and GET /api/docs/openapi.json (public: clients and the UI fetch it before signing in).
 */
export async function registerDocs(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Geodesic HTTP API',
        description: 'PowerDNS Authoritative 4.7 compatible API (/api/v1), plus Geodesic extensions (scoped API keys, history).',
        version: deps.version ?? '0',
      },
      components: { securitySchemes: { APIKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } },
      security: [{ APIKeyHeader: [] }],
    },
  });
  const doc = (): unknown => app.swagger();
  app.get('/api/docs', { schema: { hide: true } }, async () => doc());
  app.get('/api/docs/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => doc());
}
