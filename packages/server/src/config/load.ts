import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { ipNetworkError, splitIpList } from '../shared/index.js';
import { machineName } from './hostname.js';
import type { LdapSourceConfig } from './ldap-schema.js';
import type { RelayConfig } from './outbound-schema.js';
import { type Config, ConfigSchema } from './schema.js';

/** A setting that failed validation; the message names the setting and its source. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** One leaf of the schema: its path, env name, flag name and schema. */
export interface SettingInfo {
  path: string[];
  env: string;
  flag: string;
  schema: TSchema & { type?: string; default?: unknown; description?: string };
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** Lists every setting (for env/flag parsing and the README's config table). */
export function listSettings(schema: TSchema = ConfigSchema, prefix: string[] = []): SettingInfo[] {
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  return Object.entries(props).flatMap(([key, sub]) => {
    const path = [...prefix, key];
    if ((sub as { type?: string }).type === 'object') return listSettings(sub, path);
    return [
      {
        path,
        env: `JDMAIL_${path.map(snake).join('_')}`,
        flag: path.map(kebab).join('-'),
        schema: sub as SettingInfo['schema'],
      },
    ];
  });
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function coerce(info: SettingInfo, raw: string, source: string): unknown {
  const type = info.schema.type;
  if (type === 'integer' || type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) {
      throw new ConfigError(`${source}: ${info.path.join('.')} must be a number, got "${raw}"`);
    }
    return n;
  }
  if (type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(`${source}: ${info.path.join('.')} must be true or false, got "${raw}"`);
  }
  if (type === 'array' || type === 'object') {
    // Lists (ldap.sources, sso.oidc, sso.cas) are given as JSON in env and flags.
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      throw new ConfigError(`${source}: ${info.path.join('.')} must be JSON: ${(e as Error).message}`);
    }
    if (type === 'array' && !Array.isArray(parsed)) {
      throw new ConfigError(`${source}: ${info.path.join('.')} must be a JSON array`);
    }
    return parsed;
  }
  return raw;
}

/** Rules the schema cannot state: unique provider ids, a secret for each provider. */
function checkCrossFields(config: Config): void {
  const seen = new Set<string>();
  for (const [i, p] of config.sso.oidc.entries()) {
    if (seen.has(p.id)) throw new ConfigError(`invalid setting sso.oidc.${i}.id: "${p.id}" is used twice`);
    seen.add(p.id);
    if ((p.clientSecret === '') === (p.clientSecretFile === '')) {
      throw new ConfigError(
        `invalid setting sso.oidc.${i}: give exactly one of clientSecret and clientSecretFile`,
      );
    }
  }
  const ipLists: [string, string][] = [
    ['smtp.limitsExempt', config.smtp.limitsExempt],
    ['smtp.proxyProtocol', config.smtp.proxyProtocol],
    ['metrics.allowFrom', config.metrics.allowFrom],
    ['pop3.allowPlaintextAuth', config.pop3.allowPlaintextAuth],
    ['imap.allowPlaintextAuth', config.imap.allowPlaintextAuth],
    ['mailAuth.trustedNetworks', config.mailAuth.trustedNetworks.join(',')],
    ['greylist.exemptNetworks', config.greylist.exemptNetworks.join(',')],
  ];
  for (const [setting, value] of ipLists) {
    for (const entry of splitIpList(value)) {
      const error = ipNetworkError(entry);
      if (error) throw new ConfigError(`invalid setting ${setting}: ${error}`);
    }
  }
  if (config.sessions.idleSeconds > config.sessions.maxSeconds) {
    throw new ConfigError('invalid setting sessions.idleSeconds: must not exceed sessions.maxSeconds');
  }
}

export interface LoadOptions {
  /** Environment to read `JDMAIL_*` from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Flags by kebab-case name (`http-port`), as given on the command line. */
  flags?: Record<string, string | number | boolean | undefined>;
  /** Path of a JSON config file; default `JDMAIL_CONFIG`. */
  configFile?: string;
}

function readFileLayer(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('top level must be an object');
    }
    return parsed as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Builds the effective configuration from defaults, the JSON file, `JDMAIL_*`
 * env and flags, then validates it. Throws {@link ConfigError} naming the
 * first bad setting. The only reader of `process.env` in jdmail.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const configFile = options.configFile ?? env.JDMAIL_CONFIG;
  const merged: Record<string, unknown> = configFile ? readFileLayer(configFile) : {};
  const settings = listSettings();
  for (const info of settings) {
    const raw = env[info.env];
    if (raw !== undefined && raw !== '') setPath(merged, info.path, coerce(info, raw, `env ${info.env}`));
  }
  for (const info of settings) {
    const raw = options.flags?.[info.flag];
    if (raw === undefined) continue;
    setPath(merged, info.path, typeof raw === 'string' ? coerce(info, raw, `flag --${info.flag}`) : raw);
  }
  const withDefaults = Value.Default(ConfigSchema, merged) as Config;
  const first = Value.Errors(ConfigSchema, withDefaults)[0];
  if (first) {
    const where = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    if (first.schemaPath.endsWith('additionalProperties')) throw new ConfigError(`unknown setting ${where}`);
    throw new ConfigError(`invalid setting ${where}: ${first.message}`);
  }
  checkCrossFields(withDefaults);
  return {
    ...withDefaults,
    dataDir: resolve(withDefaults.dataDir),
    hostname: withDefaults.hostname || machineName(),
    ldap: {
      ...withDefaults.ldap,
      sources: resolveLdapSources(withDefaults.ldap.sources, env, configFile ? dirname(configFile) : '.'),
    },
    outbound: { ...withDefaults.outbound, relay: resolveRelayPassword(withDefaults.outbound.relay, env) },
  };
}

/** Puts the smarthost's AUTH password in `password`, read from `passwordEnv` when that is given. */
function resolveRelayPassword(relay: RelayConfig, env: Record<string, string | undefined>): RelayConfig {
  if (!relay.passwordEnv) return relay;
  const password = env[relay.passwordEnv] ?? '';
  if (!password)
    throw new ConfigError(`invalid setting outbound.relay.passwordEnv: ${relay.passwordEnv} is not set`);
  return { ...relay, password };
}

/**
 * Checks the directory sources beyond what the schema can say and puts each
 * bind password in `bindPassword`, read from its file or environment
 * variable. Relative files are found next to the config file.
 */
function resolveLdapSources(
  sources: LdapSourceConfig[],
  env: Record<string, string | undefined>,
  baseDir: string,
): LdapSourceConfig[] {
  const names = new Set<string>();
  return sources.map((s, i) => {
    const where = `ldap.sources.${i}`;
    if (names.has(s.name)) throw new ConfigError(`invalid setting ${where}.name: "${s.name}" is used twice`);
    names.add(s.name);
    const given = [s.bindPassword, s.bindPasswordFile, s.bindPasswordEnv].filter((v) => v !== '');
    if (given.length > 1)
      throw new ConfigError(
        `invalid setting ${where}: give only one of bindPassword, bindPasswordFile, bindPasswordEnv`,
      );
    let password = s.bindPassword;
    if (s.bindPasswordFile) {
      const file = resolve(baseDir, s.bindPasswordFile);
      try {
        password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (e) {
        throw new ConfigError(
          `invalid setting ${where}.bindPasswordFile: cannot read ${file}: ${(e as Error).message}`,
        );
      }
    }
    if (s.bindPasswordEnv) {
      password = env[s.bindPasswordEnv] ?? '';
      if (!password)
        throw new ConfigError(`invalid setting ${where}.bindPasswordEnv: ${s.bindPasswordEnv} is not set`);
    }
    // A bind with a DN and an empty password is an unauthenticated bind (RFC 4513 §5.1.2): never intended.
    if (s.bindDn && !password) throw new ConfigError(`invalid setting ${where}: bindDn needs a password`);
    return { ...s, bindPassword: password };
  });
}
