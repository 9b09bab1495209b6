export type { LdapSourceConfig } from './ldap-schema.js';
export { ConfigError, type LoadOptions, listSettings, loadConfig, type SettingInfo } from './load.js';
export { type Config, ConfigSchema } from './schema.js';
