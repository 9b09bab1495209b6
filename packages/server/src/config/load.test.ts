import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, listSettings, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.httpPort).toBe(8080);
    expect(c.smtpPort).toBe(2525);
    expect(c.submissionPort).toBe(2587);
    expect(c.smtp.maxMessageSize).toBe(100 * 1024 * 1024);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.hostname.length).toBeGreaterThan(0);
  });

  it('layers file < env < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jdcfg-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ httpPort: 1, smtpPort: 2, smtp: { maxRecipients: 7 } }));
    const c = loadConfig({
      env: { JDMAIL_CONFIG: file, JDMAIL_SMTP_PORT: '3', JDMAIL_HTTP_PORT: '4' },
      flags: { 'http-port': '5' },
    });
    expect(c.httpPort).toBe(5);
    expect(c.smtpPort).toBe(3);
    expect(c.smtp.maxRecipients).toBe(7);
  });

  it('maps nested settings to env names', () => {
    const c = loadConfig({ env: { JDMAIL_SMTP_MAX_MESSAGE_SIZE: '2048', JDMAIL_LOG_LEVEL: 'warn' } });
    expect(c.smtp.maxMessageSize).toBe(2048);
    expect(c.log.level).toBe('warn');
    expect(listSettings().map((s) => s.env)).toContain('JDMAIL_DATABASE_URL');
  });

  it.each([
    [{ JDMAIL_HTTP_PORT: 'eighty' }, /httpPort must be a number/],
    [{ JDMAIL_HTTP_PORT: '70000' }, /invalid setting httpPort/],
    [{ JDMAIL_LOG_LEVEL: 'loud' }, /invalid setting log.level/],
    // 2^63 − 1 was kept as 9223372036854776000: quotas are bounded at 1 PiB.
    [{ JDMAIL_STORE_DEFAULT_QUOTA_BYTES: '9223372036854775807' }, /invalid setting store.defaultQuotaBytes/],
    [
      { JDMAIL_SMTP_LIMITS_EXEMPT: '10.0.0.0/8, mx.example.com' },
      /smtp.limitsExempt: "mx.example.com" is not/,
    ],
    [
      { JDMAIL_SMTP_PROXY_PROTOCOL: '10.0.0.0/40' },
      /smtp.proxyProtocol: "10.0.0.0\/40" has an invalid prefix/,
    ],
  ])('rejects %o naming the setting', (env, msg) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(msg);
  });

  it('reads lists (identity providers) as JSON from env, filling in the defaults of each item', () => {
    const cas = [{ id: 'campus', name: 'Campus', url: 'https://cas.example.edu/cas' }];
    const c = loadConfig({ env: { JDMAIL_SSO_CAS: JSON.stringify(cas) } });
    expect(c.sso.cas).toEqual([
      {
        ...cas[0],
        renew: false,
        gateway: false,
        format: 'XML',
        userAttribute: '',
        domain: '',
        timeoutMs: 5000,
        logoutFrom: [],
      },
    ]);
    expect(() => loadConfig({ env: { JDMAIL_SSO_CAS: '[{' } })).toThrow(/sso.cas must be JSON/);
    expect(() => loadConfig({ env: { JDMAIL_SSO_CAS: '[{"id":"x","name":"X","url":"ftp://h"}]' } })).toThrow(
      /invalid setting sso.cas/,
    );
  });

  it('rejects unknown keys and broken JSON in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jdcfg-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ smtp: { maxMesageSize: 1 } }));
    expect(() => loadConfig({ env: {}, configFile: bad })).toThrow(/unknown setting smtp.maxMesageSize/);
    writeFileSync(bad, '{ not json');
    expect(() => loadConfig({ env: {}, configFile: bad })).toThrow(/not valid JSON/);
  });

  it('checks metrics.allowFrom at load, so a typo stops the start', () => {
    expect(loadConfig({ env: {} }).metrics.allowFrom).toBe('127.0.0.0/8,::1');
    expect(() => loadConfig({ env: { JDMAIL_METRICS_ALLOW_FROM: '10.0.0.0/8,prometheus' } })).toThrow(
      'invalid setting metrics.allowFrom: "prometheus" is not an IP address or CIDR network',
    );
  });

  it('reads the IMAP ports under the names operators use, and checks imap.allowPlaintextAuth at load', () => {
    const c = loadConfig({ env: { JDMAIL_IMAP_PORT: '143', JDMAIL_IMAPS_PORT: '993' } });
    expect([c.imapPort, c.imapsPort, c.imap.allowPlaintextAuth]).toEqual([143, 993, '127.0.0.0/8,::1']);
    expect(loadConfig({ env: {} })).toMatchObject({ imapPort: 2143, imapsPort: 2993 });
    expect(() => loadConfig({ env: { JDMAIL_IMAP_ALLOW_PLAINTEXT_AUTH: 'localhost' } })).toThrow(
      'invalid setting imap.allowPlaintextAuth: "localhost" is not an IP address or CIDR network',
    );
  });

  it('reads the POP3 ports under the names operators use, and checks pop3.allowPlaintextAuth at load', () => {
    const c = loadConfig({ env: { JDMAIL_POP3_PORT: '110', JDMAIL_POP3S_PORT: '995' } });
    expect([c.pop3Port, c.pop3sPort, c.pop3.allowPlaintextAuth]).toEqual([110, 995, '127.0.0.0/8,::1']);
    expect(loadConfig({ env: {} })).toMatchObject({ pop3Port: 2110, pop3sPort: 2995 });
    expect(() => loadConfig({ env: { JDMAIL_POP3_ALLOW_PLAINTEXT_AUTH: 'localhost' } })).toThrow(
      'invalid setting pop3.allowPlaintextAuth: "localhost" is not an IP address or CIDR network',
    );
  });

  describe('ldap sources', () => {
    const source = (extra: object = {}) => ({
      name: 'corp',
      url: 'ldap://127.0.0.1:389',
      baseDn: 'dc=example,dc=com',
      domain: 'example.com',
      bindDn: 'cn=jdmail,dc=example,dc=com',
      ...extra,
    });
    const withFile = (config: object) => {
      const dir = mkdtempSync(join(tmpdir(), 'jdcfg-'));
      const file = join(dir, 'c.json');
      writeFileSync(file, JSON.stringify(config));
      return { dir, file };
    };

    it('fills source defaults and reads the bind password from a file next to the config file', () => {
      const { dir, file } = withFile({ ldap: { sources: [source({ bindPasswordFile: 'bind.secret' })] } });
      writeFileSync(join(dir, 'bind.secret'), 'from-a-file\n');
      const c = loadConfig({ env: {}, configFile: file });
      const s = c.ldap.sources[0];
      expect(s).toMatchObject({ preset: 'openldap', pageSize: 500, maxDisablePercent: 10, userBaseDns: [] });
      expect(s?.bindPassword).toBe('from-a-file');
      expect(c.ldap.syncIntervalSeconds).toBe(900);
    });

    it('reads the bind password from a named environment variable, and sources as JSON from env', () => {
      const env = {
        JDMAIL_LDAP_SOURCES: JSON.stringify([source({ bindPasswordEnv: 'CORP_LDAP_PW' })]),
        CORP_LDAP_PW: 'from-env',
      };
      expect(loadConfig({ env }).ldap.sources[0]?.bindPassword).toBe('from-env');
    });

    it.each([
      [{ JDMAIL_LDAP_SOURCES: '[{' }, /ldap.sources must be JSON/],
      [{ JDMAIL_LDAP_SOURCES: JSON.stringify([source({ url: 'http://x' })]) }, /ldap.sources.0.url/],
      [
        { JDMAIL_LDAP_SOURCES: JSON.stringify([source({ bindPasword: 'typo' })]) },
        /unknown setting ldap.sources.0.bindPasword/,
      ],
      [
        {
          JDMAIL_LDAP_SOURCES: JSON.stringify([source({ bindPassword: 'x' }), source({ bindPassword: 'y' })]),
        },
        /"corp" is used twice/,
      ],
      [{ JDMAIL_LDAP_SOURCES: JSON.stringify([source()]) }, /bindDn needs a password/],
      [
        { JDMAIL_LDAP_SOURCES: JSON.stringify([source({ bindPasswordEnv: 'UNSET_VAR' })]) },
        /UNSET_VAR is not set/,
      ],
      [
        { JDMAIL_LDAP_SOURCES: JSON.stringify([source({ bindPassword: 'a', bindPasswordEnv: 'B' })]) },
        /only one of/,
      ],
      [
        { JDMAIL_LDAP_SOURCES: JSON.stringify([source({ bindPasswordFile: '/nonexistent/pw' })]) },
        /cannot read/,
      ],
    ])('rejects a bad source %#', (env, msg) => {
      expect(() => loadConfig({ env })).toThrow(msg);
    });
  });
});

describe('sso settings', () => {
  const provider = {
    id: 'corp',
    name: 'Corp login',
    issuer: 'https://idp.example.com',
    clientId: 'jdmail',
    clientSecret: 's3cret',
  };

  it('reads OIDC providers from a JSON env value and fills their defaults', () => {
    const c = loadConfig({ env: { JDMAIL_SSO_OIDC: JSON.stringify([provider]) } });
    expect(c.sso.oidc).toEqual([
      {
        ...provider,
        clientSecretFile: '',
        tokenAuthMethod: 'client_secret_basic',
        scopes: ['openid', 'email', 'profile'],
        claim: 'email',
        domain: '',
        jit: { domain: '', group: '' },
        postLogoutRedirect: '',
      },
    ]);
    expect(c.sso.passwordLogin).toBe(true);
    expect(c.sessions).toEqual({ idleSeconds: 7200, maxSeconds: 43200 });
  });

  it.each([
    [{ JDMAIL_SSO_OIDC: '{"id":1}' }, /sso.oidc must be a JSON array/],
    [{ JDMAIL_SSO_OIDC: JSON.stringify([provider, provider]) }, /sso.oidc.1.id: "corp" is used twice/],
    [
      { JDMAIL_SSO_OIDC: JSON.stringify([{ ...provider, clientSecret: '' }]) },
      /exactly one of clientSecret and clientSecretFile/,
    ],
    [{ JDMAIL_SSO_OIDC: JSON.stringify([{ ...provider, id: 'Bad Id' }]) }, /sso.oidc.0.id/],
    [{ JDMAIL_HTTP_PUBLIC_URL: 'https://mail.example.com/webmail' }, /http.publicUrl/],
    [{ JDMAIL_SESSIONS_IDLE_SECONDS: '90000' }, /must not exceed sessions.maxSeconds/],
  ])('rejects %o naming the setting', (env, msg) => {
    expect(() => loadConfig({ env })).toThrow(msg);
  });
});

describe('the README’s SSO config example', () => {
  it('is a valid config file', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const block = /<!-- example: sso-config -->\n```json\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'jdcfg-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, block as string);
    const c = loadConfig({ env: {}, configFile: file });
    expect(c.sso.oidc.map((p) => p.id)).toEqual(['corp', 'partners']);
    expect(c.http.publicUrl).toBe('https://mail.example.com');
  });
});
