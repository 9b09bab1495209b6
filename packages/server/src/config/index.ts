export { ConfigError, type LoadOptions, listSettings, loadConfig, type SettingInfo } from './load.js';
export { type Config, ConfigSchema, type OidcProviderConfig } from './schema.js';
