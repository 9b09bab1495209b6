import { describe, expect, it } from 'vitest';
import { parseQuery } from './query.js';
import { documentTokens, queryTokens } from './tokens.js';

const plain = (text: string, exact = false) =>
  queryTokens(text, exact).map((t) => (t.prefix ? `${t.token}*` : t.token));

describe('search tokens', () => {
  it('cuts Chinese runs into pairs and the last character, Latin words whole and lower case', () => {
    expect(documentTokens('请开发票 Meeting at 3PM')).toEqual([
      '请开',
      '开发',
      '发票',
      '票',
      'meeting',
      'at',
      '3pm',
    ]);
    expect(documentTokens('会')).toEqual(['会']);
  });

  it('splits mixed Latin and CJK text where the script changes', () => {
    expect(documentTokens('用iPhone手机拍照')).toEqual(['用', 'iphone', '手机', '机拍', '拍照', '照']);
    expect(documentTokens('2024年会议')).toEqual(['2024', '年会', '会议', '议']);
  });

  it('folds full-width forms, traditional characters and case', () => {
    expect(documentTokens('ＡＢＣ１２３')).toEqual(['abc123']);
    expect(documentTokens('會議發票')).toEqual(documentTokens('会议发票'));
    expect(documentTokens('ÉCOLE')).toEqual(['école']);
  });

  it('splits addresses and punctuation into words', () => {
    expect(documentTokens('"张三" <zhang.san@example.com>')).toEqual([
      '张三',
      '三',
      'zhang',
      'san',
      'example',
      'com',
    ]);
  });

  it('caps the number of tokens', () => {
    expect(documentTokens('a b c d e', 3)).toEqual(['a', 'b', 'c']);
    expect(documentTokens('一二三四五', 2)).toEqual(['一二', '二三']);
  });

  it('makes a query word a run of consecutive indexed tokens (a substring)', () => {
    expect(plain('发票')).toEqual(['发票']);
    expect(plain('开发票')).toEqual(['开发', '发票']);
    expect(plain('票')).toEqual(['票*']);
    expect(plain('meet')).toEqual(['meet*']);
    expect(plain('meet', true)).toEqual(['meet']);
    // The lone last character only where the document's run must end too: before a Latin word.
    expect(plain('用iphone')).toEqual(['用', 'iphone*']);
    expect(plain('手机2024')).toEqual(['手机', '机', '2024*']);
    expect(plain('發票')).toEqual(['发票']);
    expect(plain('！？')).toEqual([]);
  });

  it('finds each query as consecutive document tokens', () => {
    const doc = documentTokens('请于本周五前开具增值税发票，用iPhone拍照');
    const occurs = (q: string) => {
      const tokens = queryTokens(q);
      return doc.some((_, start) =>
        tokens.every((t, k) => {
          const d = doc[start + k];
          return d !== undefined && (t.prefix ? d.startsWith(t.token) : d === t.token);
        }),
      );
    };
    for (const q of ['发票', '增值税发票', '票', '税', '周五', '用iphone', 'iph', '拍照', '具增值'])
      expect(occurs(q), q).toBe(true);
    for (const q of ['发票用', '票据', 'phone', '五开具发']) expect(occurs(q), q).toBe(false);
  });
});

describe('search query syntax', () => {
  it('reads words, phrases and field prefixes', () => {
    const terms = parseQuery('发票 from:alice subject:"weekly report" Filename:合同.pdf re:hello');
    expect(
      terms.map((t) => [t.field, t.tokens.map((k) => k.token + (k.prefix ? '*' : '')).join(' ')]),
    ).toEqual([
      ['any', '发票'],
      ['from', 'alice*'],
      ['subject', 'weekly report'],
      ['attachment', '合同 同 pdf*'],
      ['any', 're hello*'],
    ]);
  });

  it('drops terms without words and bounds the number of terms', () => {
    expect(parseQuery(' - @ ')).toEqual([]);
    expect(() => parseQuery(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '))).toThrow(
      /at most 16 terms/,
    );
  });
});
