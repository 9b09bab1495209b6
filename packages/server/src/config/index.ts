export { type MachineNameSources, machineName } from './hostname.js';
export type { LdapSourceConfig } from './ldap-schema.js';
export { ConfigError, type LoadOptions, listSettings, loadConfig, type SettingInfo } from './load.js';
export type { MailAuthConfig } from './mail-auth-schema.js';
export { publicBaseUrl } from './public-url.js';
export {
  type CasProviderConfig,
  type Config,
  ConfigSchema,
  type OidcProviderConfig,
} from './schema.js';
export { startupWarnings } from './warnings.js';
export type { WidgetConfig } from './widget-schema.js';
