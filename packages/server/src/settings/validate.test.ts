import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.js';
import { forwardRefusal } from './forwarding.js';
import { headerFields } from './header-fields.js';
import { DEFAULT_FORWARDING, DEFAULT_VACATION, type UserSettings } from './types.js';
import { applySettingsPatch } from './validate.js';

const empty: UserSettings = {
  language: null,
  signature: { text: '', html: '' },
  vacation: DEFAULT_VACATION,
  forwarding: DEFAULT_FORWARDING,
  updatedAt: null,
};
const own = new Set(['alice@a.test', 'ali@a.test']);

/** The field a refused patch names. */
function refusedField(patch: Parameters<typeof applySettingsPatch>[1]): string | undefined {
  try {
    applySettingsPatch(empty, patch, own);
  } catch (err) {
    if (err instanceof AppError && err.code === 'VALIDATION_FAILED')
      return (err.extra as { field?: string } | undefined)?.field;
    throw err;
  }
  return undefined;
}

describe('applySettingsPatch', () => {
  it('changes only the given fields and sanitizes the formatted signature', () => {
    const next = applySettingsPatch(
      { ...empty, language: 'en' },
      {
        signature: {
          html: '<p onclick="x()">张三 <b>销售部</b><script>alert(1)</script> <a href="javascript:x()">x</a> <a href="https://a.test">site</a></p><img src=x onerror=y>',
        },
      },
      own,
    );
    expect(next.language).toBe('en');
    expect(next.signature.text).toBe('');
    expect(next.signature.html).toBe(
      '<p>张三 <b>销售部</b> <a rel="noopener noreferrer">x</a> <a href="https://a.test" rel="noopener noreferrer">site</a></p>',
    );
  });

  it('canonicalizes and de-duplicates forwarding targets', () => {
    const next = applySettingsPatch(
      empty,
      { forwarding: { enabled: true, to: ['Bob@B.test', 'bob@b.test', 'carol@例子.中国'] } },
      own,
    );
    expect(next.forwarding).toEqual({
      enabled: true,
      to: ['bob@b.test', 'carol@xn--fsqu00a.xn--fiqs8s'],
      keepCopy: true,
    });
  });

  it('refuses bad values naming the field', () => {
    expect(refusedField({ forwarding: { to: ['ALI@a.test'] } })).toBe('forwarding.to[0]');
    expect(refusedField({ forwarding: { to: ['x', 'not an address'] } })).toBe('forwarding.to[0]');
    expect(refusedField({ forwarding: { enabled: true } })).toBe('forwarding.to');
    expect(refusedField({ forwarding: { to: Array.from({ length: 11 }, (_, i) => `u${i}@b.test`) } })).toBe(
      'forwarding.to',
    );
    expect(refusedField({ vacation: { days: 0 } })).toBe('vacation.days');
    expect(refusedField({ vacation: { enabled: true } })).toBe('vacation.text');
    expect(refusedField({ vacation: { text: 'x', startsAt: 2000, endsAt: 1000 } })).toBe('vacation.endsAt');
    expect(refusedField({ signature: { text: 'x'.repeat(10_001) } })).toBe('signature.text');
    expect(refusedField({ vacation: { days: 7, text: 'away', enabled: true } })).toBeUndefined();
  });
});

describe('forwardRefusal (loops)', () => {
  const fields = (h: string) => headerFields(Buffer.from(`${h}Subject: x\r\n\r\nbody`));
  it('forwards once, not past the user’s own Delivered-To nor past the hop limit, never spam', () => {
    expect(
      forwardRefusal({
        fields: fields('Delivered-To: bob@b.test\r\n'),
        address: 'alice@a.test',
        junk: false,
      }),
    ).toBeNull();
    expect(
      forwardRefusal({
        fields: fields('Delivered-To: <ALICE@a.test>\r\n'),
        address: 'alice@a.test',
        junk: false,
      }),
    ).toMatch(/^loop/);
    const eight = 'Delivered-To: x@b.test\r\n'.repeat(8);
    expect(forwardRefusal({ fields: fields(eight), address: 'alice@a.test', junk: false })).toMatch(/hops/);
    expect(forwardRefusal({ fields: fields(''), address: 'alice@a.test', junk: true })).toBe('spam');
  });
});
