export { defaultConfig, DEFAULT_LISTEN } from './config.js';
export type { ServerConfig, ListenAddress, TsigKeyConfig, GeoConfig, GeoOverrideConfig, AliasConfig } from './config.js';
export { loadConfig, configFromObject } from './load-config.js';
export { ConfigError, parseListen, parseDuration } from './parse-values.js';
