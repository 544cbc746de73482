import type { ApiPlugin } from '../context.js';
import { serverRoutes } from './servers.js';
import { zoneRoutes } from './zones.js';
import { accountsRoutes } from '../accounts/index.js';
import { cryptokeyRoutes } from './cryptokeys.js';

/**
 * Every built-in route plugin, in registration order. Helpers adding an area add one line here
 * (their file in src/api/routes/<area>.ts exporting an ApiPlugin).
 */
export const ROUTES: readonly ApiPlugin[] = [
  serverRoutes,
  zoneRoutes,
  accountsRoutes,
  cryptokeyRoutes,
];
