import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { notFound } from '../errors.js';

/** dist/ui of this package (built by `vite build` at install time), found from this file's folder. */
export function uiRoot(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const ui = join(dir, 'dist', 'ui');
      return existsSync(join(ui, 'index.html')) ? ui : null;
    }
    if (dirname(dir) === dir) return null;
  }
}

const HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'deny',
  'referrer-policy': 'same-origin',
  'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
};

const NOT_BUILT = `<!doctype html><html lang="en"><title>Geodesic</title><h1>Geodesic</h1>
<p>The admin UI is not built on this machine: run <code>npm run build</code> in the Geodesic folder, then reload.</p></html>`;

/**
 * The admin UI on the API listener: files of dist/ui (hashed assets cached for a year) and index.html
 * for every other path that is not the API's (the UI routes in the browser). Public: the app itself holds
 * no data; everything it shows comes from the authenticated API.
 */
export async function staticUi(app: FastifyInstance, root = uiRoot()): Promise<void> {
  // index.html is read again when it changes (a rebuild while the server runs names new asset files).
  let index = { text: NOT_BUILT, mtime: -1 };
  const currentIndex = (): string => {
    if (root === null) return NOT_BUILT;
    const file = join(root, 'index.html');
    try {
      const mtime = statSync(file).mtimeMs;
      if (mtime !== index.mtime) index = { text: readFileSync(file, 'utf8'), mtime };
    } catch { /* removed during a rebuild: keep the last one */ }
    return index.text;
  };
  const sendIndex = async (_req: unknown, reply: FastifyReply) =>
    reply.headers({ ...HEADERS, 'cache-control': 'no-cache' }).code(root === null ? 503 : 200).type('text/html; charset=utf-8').send(currentIndex());
  if (root !== null) {
    // Files are sent by our own public route (the static plugin's routes would need an API key).
    await app.register(fastifyStatic, { root: join(root, 'assets'), serve: false, maxAge: '365d', immutable: true });
    app.get('/assets/*', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const file = (req.params as { '*': string })['*'];
      if (!/^[\w.-]+$/.test(file)) throw notFound();
      void reply.headers(HEADERS);
      return reply.sendFile(file);
    });
  }
  app.get('/', { config: { public: true }, schema: { hide: true } }, sendIndex);
  app.get('/*', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (path.startsWith('/api') || path === '/metrics' || path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(path)) throw notFound();
    return sendIndex(req, reply);
  });
}
