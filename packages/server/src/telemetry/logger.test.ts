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
