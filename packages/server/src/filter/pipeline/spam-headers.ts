import { featureLabel, type SpamVerdict } from '../spam/index.js';

/** Scores are shown with three decimals: enough to tell a threshold apart, short for a header. */
const fixed = (n: number) => n.toFixed(3);

/**
 * The `X-Spam-*` header fields for clients (SpamAssassin's names, which mail
 * clients and server-side rules already read): the score, a status line, and
 * `X-Spam-Flag: YES` when the message is taken as spam (tagged or junked).
 * The status line names the Bayes score and each mail feature that counted
 * (`bayes=0.412 tests=RDNS_NONE=+0.10,AUTH_NONE=+0.05`). Nothing when the model
 * gave no score (untrained). CRLF-terminated.
 */
export function spamHeaders(verdict: SpamVerdict | null, junked: boolean): string {
  if (!verdict || verdict.score === null) return '';
  const spam = junked || verdict.verdict === 'tag' || verdict.verdict === 'junk';
  const kind = junked ? 'junk' : verdict.verdict;
  let out = `X-Spam-Score: ${fixed(verdict.score)}\r\n`;
  let status = `X-Spam-Status: ${spam ? 'Yes' : 'No'}, score=${fixed(verdict.score)} verdict=${kind} tokens=${verdict.significant}/${verdict.tokens}`;
  if (verdict.bayes !== null && verdict.features.length > 0) {
    status += ` bayes=${fixed(verdict.bayes)} tests=${verdict.features.map(featureLabel).join(',')}`;
  }
  out += `${status}\r\n`;
  if (spam) out += 'X-Spam-Flag: YES\r\n';
  return out;
}

/** The header fields a rule adds (`addHeader`), validated by the rule schema (no CR/LF). */
export function ruleHeaders(fields: ReadonlyArray<{ name: string; value: string }>): string {
  return fields.map((f) => `${f.name}: ${f.value}\r\n`).join('');
}
