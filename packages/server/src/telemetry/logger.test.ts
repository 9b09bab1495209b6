import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './index.js';

describe('redactUrl', () => {
  it.each([
    ['/auth/link/abcDEF123_-x?x=1', '/auth/link/[redacted]?x=1'],
    [
      '/auth/oidc/corp/callback?code=c0de&state=st4te&iss=https%3A%2F%2Fidp',
      '/auth/oidc/corp/callback?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp',
    ],
    ['/auth/cas/uni/callback?ticket=ST-1-abc', '/auth/cas/uni/callback?ticket=[redacted]'],
    ['/api/v1/users?q=code', '/api/v1/users?q=code'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('is applied to the request objects fastify logs', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    log.info({ req: { method: 'GET', url: '/auth/link/s3cretT0ken', headers: {} } }, 'incoming request');
    expect(lines[0]).toContain('/auth/link/[redacted]');
    expect(lines[0]).not.toContain('s3cretT0ken');
  });
});

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines };
}

describe('logger redaction', () => {
  it('never writes an LDAP bind password, wherever the source object is logged', () => {
    const { log, lines } = capture();
    const source = { name: 'corp', bindDn: 'cn=svc', bindPassword: 'hunter2-bind' };
    log.info(source, 'flat');
    log.info({ source }, 'nested');
    log.info({ sources: [source] }, 'list');
    log.info({ ldap: { sources: [source] } }, 'config section');
    log.info({ config: { ldap: { sources: [source] } } }, 'whole config');
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(line).not.toContain('hunter2-bind');
      expect(line).toContain('[redacted]');
      expect(line).toContain('cn=svc');
    }
  });

  it('redacts user passwords and tokens', () => {
    const { log, lines } = capture();
    log.info({ password: 'pw-123', user: { password: 'pw-456' }, token: 'jdk_x' }, 'x');
    expect(lines[0]).not.toMatch(/pw-123|pw-456|jdk_x/);
  });
});
