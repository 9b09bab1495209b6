import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.js';

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
