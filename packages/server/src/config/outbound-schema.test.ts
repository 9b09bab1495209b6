import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';

describe('outbound and dns settings', () => {
  it('have defaults and take env values', () => {
    const c = loadConfig({ env: { JDMAIL_OUTBOUND_PORT: '2526', JDMAIL_DNS_SERVERS: '["127.0.0.1:5353"]' } });
    expect(c.outbound).toMatchObject({
      port: 2526,
      ipFamily: 'any',
      maxConnectionsPerDomain: 10,
      mtaSts: true,
    });
    expect(c.outbound.relay).toMatchObject({ host: '', port: 587, requireTls: true });
    expect(c.dns).toMatchObject({ servers: ['127.0.0.1:5353'], timeoutMs: 5000, minTtlSeconds: 5 });
  });

  it("reads the relay's password from the variable passwordEnv names, and stops when it is unset", () => {
    const c = loadConfig({
      env: {
        JDMAIL_OUTBOUND_RELAY_HOST: 'smtp.isp.example',
        JDMAIL_OUTBOUND_RELAY_USER: 'company',
        JDMAIL_OUTBOUND_RELAY_PASSWORD_ENV: 'RELAY_SECRET',
        RELAY_SECRET: 's3cret',
      },
    });
    expect(c.outbound.relay.password).toBe('s3cret');
    expect(() => loadConfig({ env: { JDMAIL_OUTBOUND_RELAY_PASSWORD_ENV: 'NOT_SET_ANYWHERE' } })).toThrow(
      /outbound\.relay\.passwordEnv: NOT_SET_ANYWHERE is not set/,
    );
  });

  it('refuses a DNS server that is not an address', () => {
    expect(() => loadConfig({ env: { JDMAIL_DNS_SERVERS: '["dns.example"]' } })).toThrow(/dns\.servers/);
  });
});
