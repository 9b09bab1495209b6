/** What clamd said about a stream, or why it could not say. */
export type ScanResult =
  | { status: 'clean' }
  /** `name`: the signature, as clamd reports it (`Eicar-Test-Signature.UNOFFICIAL`). */
  | { status: 'infected'; name: string }
  /** The message is larger than the scanner takes (ours or clamd's `StreamMaxLength`): not scanned. */
  | { status: 'too-large'; limit: number | null }
  /** clamd unreachable, timed out, failed or answered something unexpected: not scanned. */
  | { status: 'error'; reason: string };

/** Longest clamd answer kept in a result (a signature name, an error line). */
const MAX_REPLY = 256;

/**
 * Reads clamd's answer to `zINSTREAM` (NUL-terminated with the z prefix):
 * `stream: OK`, `stream: NAME FOUND`, `INSTREAM size limit exceeded. ERROR`,
 * or another `… ERROR` line (see clamd(8), "INSTREAM").
 */
export function parseScanReply(raw: string): ScanResult {
  const reply = raw
    .replace(/\0[\s\S]*$/, '')
    .trim()
    .slice(0, MAX_REPLY);
  if (reply === 'stream: OK') return { status: 'clean' };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { status: 'infected', name: (found[1] as string).trim() };
  if (/size limit exceeded/i.test(reply)) return { status: 'too-large', limit: null };
  if (reply === '') return { status: 'error', reason: 'clamd closed the connection without an answer' };
  return { status: 'error', reason: `clamd: ${reply}` };
}
