import type { ApiPlugin } from '../context.js';
import { serverRoutes } from './servers.js';
import { zoneRoutes } from './zones.js';
import { zoneToolRoutes } from './zone-tools.js';
import { metadataRoutes } from './metadata.js';
import { serverToolRoutes } from './server-tools.js';
import { tsigKeyRoutes } from './tsigkeys.js';
import { autoprimaryRoutes } from './autoprimaries.js';
import { apiKeyRoutes } from './apikeys.js';
import { accountsRoutes } from '../accounts/index.js';
import { cryptokeyRoutes } from './cryptokeys.js';
import { healthRoutes } from './health.js';

/**
 * Every built-in route plugin, in registration order. Helpers adding an area add one line here
 * (their file in src/api/routes/<area>.ts exporting an ApiPlugin).
 */
export const ROUTES: readonly ApiPlugin[] = [
  serverRoutes,
  zoneRoutes,
  zoneToolRoutes,
  metadataRoutes,
  serverToolRoutes,
  tsigKeyRoutes,
  autoprimaryRoutes,
  apiKeyRoutes,
  accountsRoutes,
  cryptokeyRoutes,
  healthRoutes,
];
