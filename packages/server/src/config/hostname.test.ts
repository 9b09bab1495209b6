import { describe, expect, it } from 'vitest';
import { machineName } from './hostname.js';
import { startupWarnings } from './warnings.js';

const sources = (hostname: string, hostsFile: string) => ({
  hostname: () => hostname,
  hostsFile: () => hostsFile,
});

describe('machineName', () => {
  it('keeps a host name that is already fully qualified', () => {
    expect(machineName(sources('Mail.Example.com', ''))).toBe('mail.example.com');
  });
  it('finds the fully qualified name of a short host name in /etc/hosts, as hostname -f does', () => {
    const hosts =
      '127.0.0.1\tlocalhost\n127.0.1.1  mail.corp.example   mail # the installer\n::1 localhost ip6-localhost\n';
    expect(machineName(sources('mail', hosts))).toBe('mail.corp.example');
  });
  it('keeps the short name when no line gives a dotted canonical name for it', () => {
    expect(
      machineName(sources('vm', '127.0.0.1 localhost\n127.0.0.1 vm\n# 10.0.0.1 vm.example.com vm\n')),
    ).toBe('vm');
    expect(machineName(sources('vm', '10.0.0.9 other.example.com other\n'))).toBe('vm');
  });
});

describe('startupWarnings', () => {
  it('names hostname when it has no dot, and http.publicUrl when it is not set', () => {
    const w = startupWarnings({ hostname: 'vm', http: { publicUrl: '', trustProxy: '' } });
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^hostname "vm" is not a fully qualified domain name: .*JDMAIL_HOSTNAME/);
    expect(w[1]).toMatch(/^http\.publicUrl is not set: login links .*JDMAIL_HTTP_PUBLIC_URL/);
    expect(
      startupWarnings({
        hostname: 'mail.example.com',
        http: { publicUrl: 'https://mail.example.com', trustProxy: '' },
      }),
    ).toEqual([]);
  });
});
