export { ConfigError, type LoadOptions, listSettings, loadConfig, type SettingInfo } from './load.js';
export { type CasProviderConfig, type Config, ConfigSchema } from './schema.js';
