import type { Readable } from 'node:stream';
import type { VirusConfig } from '../../config/virus-schema.js';
import { accept, reject, tempfail, type Verdict } from '../verdict.js';
import type { ClamdClient } from './clamd-client.js';
import type { ScanResult } from './clamd-reply.js';

/** The stage name in verdicts and the trace. */
export const VIRUS_STAGE = 'virus';

/** What to do with each kind of scan result (`virus.*` settings). */
export type VirusPolicy = Pick<VirusConfig, 'onInfected' | 'onError' | 'onTooLarge'>;

/** The SMTP answer to a virus (issue 24: `554 5.7.1 virus: NAME`; RFC 3463 §3.8 security status). */
const infectedAnswer = (name: string) => ({ code: 554, enhanced: '5.7.1', text: `virus: ${name}` });
/** clamd down: the sender keeps the message and retries (RFC 5321 §4.2.5: 451 local error). */
const UNSCANNED = { code: 451, enhanced: '4.7.1', text: 'Virus scanner unavailable, try again later' };
const TOO_LARGE = { code: 552, enhanced: '5.3.4', text: 'Message too large to scan for viruses' };
const TOO_LARGE_LATER = { code: 452, enhanced: '4.3.4', text: 'Message too large to scan for viruses now' };

/**
 * The virus stage's verdict on a scan result, as the policy says: an
 * infected message rejected (554 5.7.1) or quarantined; clamd failing →
 * tempfail (451 4.7.1) or accepted unscanned; a message over the scan limit
 * accepted unscanned, rejected or tempfailed. The reasons name the signature
 * or the failure, for the trace.
 */
export function virusVerdict(result: ScanResult, policy: VirusPolicy): Verdict {
  switch (result.status) {
    case 'clean':
      return accept(VIRUS_STAGE, ['clean']);
    case 'infected':
      return policy.onInfected === 'quarantine'
        ? { kind: 'quarantine', stage: VIRUS_STAGE, reasons: [`virus: ${result.name}`] }
        : reject(VIRUS_STAGE, infectedAnswer(result.name), [`virus: ${result.name}`]);
    case 'error': {
      const reasons = [`not scanned: ${result.reason}`];
      return policy.onError === 'accept'
        ? accept(VIRUS_STAGE, reasons)
        : tempfail(VIRUS_STAGE, reasons, UNSCANNED);
    }
    case 'too-large': {
      const limit = result.limit === null ? "clamd's StreamMaxLength" : `${result.limit} bytes`;
      const reasons = [`not scanned: over ${limit}`];
      if (policy.onTooLarge === 'reject') return reject(VIRUS_STAGE, TOO_LARGE, reasons);
      if (policy.onTooLarge === 'tempfail') return tempfail(VIRUS_STAGE, reasons, TOO_LARGE_LATER);
      return accept(VIRUS_STAGE, reasons);
    }
  }
}

/** Scans `body` and returns the stage's verdict (see {@link virusVerdict}); never throws. */
export async function scanForVerdict(
  client: ClamdClient,
  policy: VirusPolicy,
  body: Readable,
  signal?: AbortSignal,
): Promise<Verdict> {
  return virusVerdict(await client.scan(body, signal), policy);
}
