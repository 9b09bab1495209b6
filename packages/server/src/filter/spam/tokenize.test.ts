import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { chi2Q, chiSquareCombine, DEFAULT_PARAMS, robinsonF, significantTokens } from './bayes.js';
import { normalizeText } from './normalize.js';
import { tokenId } from './token-hash.js';
import { tokenizeMessage } from './tokenize.js';
import { decideUnsure } from './unsure.js';
import { cjkBigrams } from './words.js';

const mail = (headers: string, body: Buffer | string) =>
  Buffer.concat([Buffer.from(`${headers.trim().replace(/\n/g, '\r\n')}\r\n\r\n`), Buffer.from(body)]);

describe('normalization', () => {
  it('folds full-width Latin and digits to ASCII and lower-cases', () => {
    expect(normalizeText('ＦＲＥＥ　ｖｉａｇｒａ！１２３')).toBe('free viagra!123');
  });
  it('turns traditional Chinese into simplified, and leaves simplified and Latin alone', () => {
    expect(normalizeText('發票優惠，國際電話')).toBe('发票优惠,国际电话');
    expect(normalizeText('发票 Invoice')).toBe('发票 invoice');
  });
});

describe('CJK segmentation', () => {
  it('cuts a run into overlapping character bigrams, a lone character into itself', () => {
    const out: string[] = [];
    cjkBigrams('代开发票', (t) => out.push(t));
    expect(out).toEqual(['代开', '开发', '发票']);
    const one: string[] = [];
    cjkBigrams('票', (t) => one.push(t));
    expect(one).toEqual(['票']);
  });
  it('cuts Chinese between Latin words without spaces, and counts astral characters as one', async () => {
    const tokens = await tokenizeMessage(mail('Subject: x', '点击www购买优惠券𠀀𠀁'));
    expect(tokens).toEqual(expect.arrayContaining(['点击', 'www', '购买', '买优', '优惠', '惠券', '𠀀𠀁']));
  });
});

describe('tokenizeMessage', () => {
  it('decodes GBK and Big5 bodies and RFC 2047 GB2312 subjects to the same simplified tokens', async () => {
    const gbk = mail(
      `Subject: =?GB2312?B?${iconv.encode('代开发票', 'gb2312').toString('base64')}?=\nContent-Type: text/plain; charset=GBK\nContent-Transfer-Encoding: base64`,
      iconv.encode('本公司代开发票，优惠多多', 'gbk').toString('base64'),
    );
    const big5 = mail(
      'Subject: hello\nContent-Type: text/plain; charset=big5\nContent-Transfer-Encoding: 8bit',
      iconv.encode('本公司代開發票，優惠多多', 'big5'),
    );
    const a = await tokenizeMessage(gbk);
    const b = await tokenizeMessage(big5);
    expect(a).toEqual(
      expect.arrayContaining(['s:代开', 's:发票', '发票', '优惠', 'cs:gbk', 'F:text-base64']),
    );
    expect(b).toEqual(expect.arrayContaining(['发票', '优惠', '开发', 'cs:big5']));
  });

  it('prefixes header tokens by header and reads HTML structure, URLs and attachments', async () => {
    const raw = mail(
      `From: "PayPal.com" <service@evil.example>
Subject: Your account
Content-Type: multipart/mixed; boundary=b`,
      `--b\r\nContent-Type: text/html\r\n\r\n<p style="display:none">hidden words</p><a href="http://198.51.100.7/login">www.paypal.com</a> verify now<img src="http://img.tracker.example.net/x.gif">\r\n--b\r\nContent-Type: application/octet-stream; name="invoice.exe"\r\nContent-Disposition: attachment; filename="invoice.exe"\r\n\r\nMZ\r\n--b--\r\n`,
    );
    const tokens = await tokenizeMessage(raw);
    expect(tokens).toEqual(
      expect.arrayContaining([
        's:your',
        's:account',
        'fn:paypal.com',
        'fd:evil.example',
        'F:from-name-other-domain',
        'F:html-hidden-text',
        'F:link-text-other-domain',
        'F:url-ip-host',
        'u:ip',
        'u:img.tracker.example.net',
        'ud:example.net',
        'att:application/octet-stream',
        'att.ext:exe',
        'verify',
      ]),
    );
    // Tokens that only say "this is HTML" are not emitted unless asked for: they learn the ham's share of HTML.
    expect(tokens.filter((t) => t.startsWith('t:') || t === 'F:html-only')).toEqual([]);
    expect(await tokenizeMessage(raw, { htmlTags: true })).toEqual(
      expect.arrayContaining(['t:p.style', 't:img', 'F:html-only']),
    );
    expect(await tokenizeMessage(raw, { features: false })).not.toContain('F:html-hidden-text');
  });

  it('gives word pairs with their distance when asked (OSB, 4 words back), in body and Subject only', async () => {
    const raw = mail('Subject: free gift\nX-Mailer: big mailer', 'click here now to win');
    const plain = await tokenizeMessage(raw);
    expect(plain.filter((t) => t.includes('~'))).toEqual([]);
    const pairs = await tokenizeMessage(raw, { pairs: true });
    expect(pairs).toEqual(
      expect.arrayContaining(['s:free~1~gift', 'click~1~here', 'click~2~now', 'click~4~win', 'here~3~win']),
    );
    expect(pairs).not.toContain('click~5~win');
    expect(pairs.filter((t) => t.startsWith('h:x-mailer:') && t.includes('~'))).toEqual([]);
  });

  it('stays bounded on hostile input: caps tokens and finishes a 4 MB message quickly', async () => {
    const hostile = [
      '<a href="x'.repeat(400_000),
      'a.'.repeat(1_000_000),
      Array.from({ length: 200_000 }, (_, i) => `w${i}`).join(' '),
      '代開發票'.repeat(300_000),
    ];
    for (const body of hostile) {
      const started = Date.now();
      const tokens = await tokenizeMessage(mail('Subject: x\nContent-Type: text/html', body));
      expect(tokens.length).toBeLessThanOrEqual(3000);
      // Generous: ~0.1 s on an idle machine; the point is that nothing here is quadratic.
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('never throws on malformed MIME', async () => {
    const raw = mail('Content-Type: multipart/mixed; boundary="', '--\r\n\r\n--x--\r\n=?utf-8?B?***?=');
    await expect(tokenizeMessage(raw)).resolves.toBeInstanceOf(Array);
    await expect(tokenizeMessage(Buffer.alloc(0))).resolves.toBeInstanceOf(Array);
  });
});

describe('Bayes arithmetic', () => {
  it('chi2Q matches the closed form for 2 degrees of freedom and is 1 at 0', () => {
    expect(chi2Q(0, 10)).toBe(1);
    expect(chi2Q(3, 2)).toBeCloseTo(Math.exp(-1.5), 12);
    // Q(χ²=10 | 4 df) = e^-5 (1 + 5)
    expect(chi2Q(10, 4)).toBeCloseTo(Math.exp(-5) * 6, 12);
  });
  it("Robinson's f(w) pulls rare tokens towards x and follows the class ratios", () => {
    expect(robinsonF({ spam: 0, ham: 0 }, 10, 10)).toBe(0.538);
    expect(robinsonF({ spam: 100, ham: 0 }, 100, 100)).toBeGreaterThan(0.999);
    expect(robinsonF({ spam: 10, ham: 10 }, 100, 100)).toBeCloseTo(0.5, 2);
    // Same counts, but ham was learned 10× as often: the token is spammy.
    expect(robinsonF({ spam: 10, ham: 10 }, 100, 1000)).toBeGreaterThan(0.9);
  });
  it('leaves hapaxes out by default, and counts tokens from 0.3 of 0.5', () => {
    const counts = new Map([
      [1, { spam: 1, ham: 0 }],
      [2, { spam: 2, ham: 0 }],
      [3, { spam: 0, ham: 5 }],
      // f ≈ 0.83: within SpamAssassin's 0.346 of 0.5, beyond the default 0.3.
      [4, { spam: 50, ham: 10 }],
    ]);
    expect(
      significantTokens(counts, 100, 100, DEFAULT_PARAMS)
        .map((t) => t.id)
        .sort(),
    ).toEqual([2, 3, 4]);
    expect(
      significantTokens(counts, 100, 100)
        .map((t) => t.id)
        .sort(),
    ).toEqual([1, 2, 3]);
  });
  it('combines to near 1 for spammy, near 0 for hammy and 0.5 for no evidence', () => {
    expect(chiSquareCombine([])).toBe(0.5);
    expect(chiSquareCombine(Array(20).fill(0.99))).toBeGreaterThan(0.99);
    expect(chiSquareCombine(Array(20).fill(0.01))).toBeLessThan(0.01);
    expect(chiSquareCombine([0.99, 0.01])).toBeCloseTo(0.5, 6);
  });
  it('gives token ids of 53 bits at most, stable and spread', () => {
    const ids = new Set(Array.from({ length: 50_000 }, (_, i) => tokenId(`tok${i}`)));
    expect(ids.size).toBe(50_000);
    for (const id of ids) expect(Number.isSafeInteger(id) && id >= 0).toBe(true);
    expect(tokenId('发票')).toBe(tokenId('发票'));
  });
});

describe('the unsure band', () => {
  const tricks = ['F:url-ip-host', 'F:link-text-other-domain'];
  it('lets our features make spam of a score without evidence, and only in the band', () => {
    expect(decideUnsure(0.5, tricks)).toBeGreaterThan(0.5);
    expect(decideUnsure(0.42, ['F:html-hidden-text', 'F:subject-caps'])).toBeGreaterThan(0.5);
    // Below the required points the Bayes score stands; "no evidence" is never spam by itself.
    expect(decideUnsure(0.5, ['F:url-ip-host'])).toBe(0.5);
    expect(decideUnsure(0.5, [])).toBe(0.5);
    expect(decideUnsure(0.58, ['w', 'F:urls:1'])).toBe(0.58);
    // Outside the band the features change nothing.
    expect(decideUnsure(0.1, tricks)).toBe(0.1);
    expect(decideUnsure(0.95, [])).toBe(0.95);
  });
});
