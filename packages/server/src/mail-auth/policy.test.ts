import type { DKIMVerifyResult, DMARCResult, SPFResult } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { decide, type PolicyOptions } from './policy.js';
import type { Checked } from './results.js';
import { summarize } from './results.js';
import { arHeader } from './verify.js';

const options: PolicyOptions = {
  dmarcReject: true,
  dmarcQuarantine: true,
  antiSpoofing: true,
  isLocalDomain: async (d) => d === 'corp.example',
};

/** mailauth's outcomes in the shapes it returns (only the fields the policy reads). */
function checked(o: {
  from: string;
  spf?: [string, string];
  dkim?: [string, string][];
  dmarc?: [string, string];
}): Checked {
  const spf = o.spf
    ? ({ status: { result: o.spf[0] }, domain: o.spf[1], info: '' } as unknown as SPFResult)
    : null;
  const dkim = {
    headerFrom: [o.from],
    envelopeFrom: false,
    results: (o.dkim ?? []).map(([result, d]) => ({
      status: { result, aligned: false },
      signingDomain: d,
      info: '',
    })),
  } as unknown as DKIMVerifyResult;
  const dmarc = o.dmarc
    ? ({
        status: { result: o.dmarc[0] },
        policy: o.dmarc[1],
        domain: o.from.split('@')[1],
        info: '',
      } as unknown as DMARCResult)
    : false;
  return { spf, dkim, arc: null, dmarc, header: arHeader('mx.corp.example', ['spf=pass']) };
}

describe('receiving policy', () => {
  it('refuses DMARC failures of p=reject domains and junks those of p=quarantine, as configured', async () => {
    expect(await decide(checked({ from: 'a@bank.test', dmarc: ['fail', 'reject'] }), options)).toMatchObject({
      action: 'reject',
      temporary: false,
    });
    expect(
      await decide(checked({ from: 'a@bank.test', dmarc: ['fail', 'reject'] }), {
        ...options,
        dmarcReject: false,
      }),
    ).toEqual({ action: 'accept' });
    expect(
      await decide(checked({ from: 'a@shop.test', dmarc: ['fail', 'quarantine'] }), options),
    ).toMatchObject({
      action: 'junk',
    });
    expect(await decide(checked({ from: 'a@shop.test', dmarc: ['fail', 'none'] }), options)).toEqual({
      action: 'accept',
    });
    expect(await decide(checked({ from: 'a@shop.test', dmarc: ['pass', 'reject'] }), options)).toEqual({
      action: 'accept',
    });
  });

  it('refuses a local From without an aligned pass; a pass for the domain or a subdomain lets it through', async () => {
    const boss = 'ceo@corp.example';
    expect(await decide(checked({ from: boss, spf: ['pass', 'elsewhere.test'] }), options)).toMatchObject({
      action: 'reject',
      temporary: false,
    });
    expect(await decide(checked({ from: boss, spf: ['pass', 'corp.example'] }), options)).toEqual({
      action: 'accept',
    });
    expect(await decide(checked({ from: boss, dkim: [['pass', 'mail.corp.example']] }), options)).toEqual({
      action: 'accept',
    });
    expect(await decide(checked({ from: boss, dkim: [['fail', 'corp.example']] }), options)).toMatchObject({
      action: 'reject',
    });
    // A DNS failure is not a verdict: the sender is asked to try again (451 4.7.1).
    expect(await decide(checked({ from: boss, spf: ['temperror', 'corp.example'] }), options)).toMatchObject({
      action: 'reject',
      temporary: true,
    });
    expect(await decide(checked({ from: boss }), { ...options, antiSpoofing: false })).toEqual({
      action: 'accept',
    });
  });
});

describe('Authentication-Results header', () => {
  it('is one field (RFC 8601 §2.2): our authserv-id, one folded line per method, CRLF-terminated', () => {
    const h = arHeader('mx.corp.example', [
      'dkim=pass header.i=@a.test',
      'spf=pass smtp.mailfrom=x@a.test',
      'dmarc=pass',
    ]);
    expect(h).toBe(
      'Authentication-Results: mx.corp.example;\r\n\tdkim=pass header.i=@a.test;\r\n\tspf=pass smtp.mailfrom=x@a.test;\r\n\tdmarc=pass\r\n',
    );
    expect(arHeader('mx.corp.example', [])).toBe('Authentication-Results: mx.corp.example;\r\n\tnone\r\n');
  });

  it('is kept unfolded in the stored summary, with each method’s result', () => {
    const s = summarize(
      checked({
        from: 'a@a.test',
        spf: ['pass', 'a.test'],
        dkim: [['pass', 'a.test']],
        dmarc: ['pass', 'reject'],
      }),
      'accept',
    );
    expect(s).toEqual({
      spf: { result: 'pass', domain: 'a.test' },
      dkim: [{ result: 'pass', domain: 'a.test', selector: null, aligned: false }],
      dmarc: { result: 'pass', domain: 'a.test', policy: 'reject' },
      arc: { result: 'none' },
      action: 'accept',
      header: 'mx.corp.example; spf=pass',
    });
  });
});
