/**
 * Configuration: one typed object built from flags, environment and an optional
 * JSON file, validated at start.
 */
export { loadConfig, redactUrl } from './load.js';
export type { ConfigSources } from './load.js';
export { SETTINGS, ALL_ROLES, ConfigError } from './settings.js';
export type { Config, Role, LogLevel, Setting } from './settings.js';
export { productionProblems } from './production.js';
export { dataDirSecret } from './secret-file.js';
