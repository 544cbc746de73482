import type { ApiPlugin } from '../context.js';
import { authRoutes } from './auth-routes.js';
import { LoginLimiter } from './login-limiter.js';
import { Accounts, G, requireAdmin } from './shared.js';
import { settingsPatch } from './ui-settings.js';
import { staticUi } from './static-ui.js';
import { userRoutes } from './user-routes.js';
import { zoneRoutes } from './zone-routes.js';

export { scopesOf } from './sessions.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { LoginLimiter } from './login-limiter.js';

/**
 * The admin UI's side of the API: accounts (sign-up, sign-in, sessions with CSRF tokens, users and roles,
 * per-user API keys), settings, paged zones/RRsets, history with revert, import diff, and the UI's files.
 */
export const accountsRoutes: ApiPlugin = async (app, ctx) => {
  const a = new Accounts(ctx, new LoginLimiter());
  ctx.addAuthenticator((req) => (a.hasStore ? a.sessions.authenticate(req) : undefined));
  await authRoutes(app, a);
  await userRoutes(app, a);
  await zoneRoutes(app, a);
  app.patch(`${G}/settings`, { schema: { tags: ['geodesic'], summary: 'Change admin UI settings (admin)' } }, async (req) => {
    requireAdmin(ctx, req);
    await a.db.putSettings(settingsPatch(req.body));
    return a.settings();
  });
  await staticUi(app);
};
