import iconv from 'iconv-lite';

/**
 * Charset labels found in real mail that iconv-lite does not know, each with
 * the codec to read it as (iconv-lite's canonical form: lower case, letters
 * and digits only, so `EUCGB2312_CN` and `euc-gb2312-cn` are the same label).
 *
 * `eucgb2312_cn` is what some older Unix mailers (Solaris dtmail, Sun JDK
 * `sun.io` converter names) write for GB2312 in EUC form. Unknown, it fell back
 * to UTF-8 and Chinese mail turned to mojibake. It is read as GB18030, a
 * superset of GB2312 and GBK, which is also what the WHATWG Encoding Standard
 * does with every GB2312 label: senders labelled "GB2312" routinely use GBK
 * characters outside it.
 */
export const EXTRA_CHARSET_LABELS: Readonly<Record<string, string>> = {
  eucgb2312cn: 'gb18030',
};

/**
 * Teaches iconv-lite the labels above. Every charset decode in jdmail goes
 * through libmime (mailparser for the message view, mailsplit + libmime for
 * the list index and the search index), and libmime hands unknown names to
 * iconv-lite, whose codec table is shared by every module that loads it (one
 * copy in the lockfile), so one registration covers all the paths. Idempotent.
 */
export function registerCharsetLabels(): void {
  iconv.getCodec('utf-8'); // loads iconv-lite's table of encodings
  const table = (iconv as unknown as { encodings: Record<string, unknown> | null }).encodings;
  if (!table) return;
  for (const [label, codec] of Object.entries(EXTRA_CHARSET_LABELS))
    if (!(label in table)) table[label] = codec;
}

registerCharsetLabels();
