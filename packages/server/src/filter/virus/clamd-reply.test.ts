import { describe, expect, it } from 'vitest';
import { formatClamdAddress, parseClamdAddress } from './clamd-address.js';
import { parseScanReply } from './clamd-reply.js';

describe('parseClamdAddress', () => {
  it('reads tcp:// and unix: addresses', () => {
    expect(parseClamdAddress('tcp://127.0.0.1:3310')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 3310 });
    expect(parseClamdAddress('tcp://[::1]:3310')).toEqual({ kind: 'tcp', host: '::1', port: 3310 });
    expect(parseClamdAddress('unix:/run/clamav/clamd.ctl')).toEqual({
      kind: 'unix',
      path: '/run/clamav/clamd.ctl',
    });
    expect(formatClamdAddress(parseClamdAddress('tcp://[::1]:3310'))).toBe('tcp://[::1]:3310');
  });

  it('refuses anything else with a message naming the value', () => {
    for (const bad of [
      '127.0.0.1:3310',
      'tcp://host',
      'tcp://host:99999',
      'unix:relative.sock',
      'http://x:1',
    ]) {
      expect(() => parseClamdAddress(bad)).toThrow(bad);
    }
  });
});

describe('parseScanReply', () => {
  it('reads clamd’s INSTREAM answers', () => {
    expect(parseScanReply('stream: OK\0')).toEqual({ status: 'clean' });
    expect(parseScanReply('stream: Win.Test.EICAR_HDB-1 FOUND\0')).toEqual({
      status: 'infected',
      name: 'Win.Test.EICAR_HDB-1',
    });
    expect(parseScanReply('INSTREAM size limit exceeded. ERROR\0')).toEqual({
      status: 'too-large',
      limit: null,
    });
    expect(parseScanReply("Can't allocate memory ERROR\0")).toEqual({
      status: 'error',
      reason: "clamd: Can't allocate memory ERROR",
    });
    expect(parseScanReply('')).toMatchObject({ status: 'error' });
  });
});
