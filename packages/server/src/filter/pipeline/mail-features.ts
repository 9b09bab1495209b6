import type { Logger } from 'pino';
import type { FilterInput } from '../../mail/index.js';
import {
  authFeatures,
  historyFeatures,
  type MailFeature,
  type RdnsCheck,
  type RdnsFeatureInput,
  rdnsFeatures,
  type SenderHistory,
} from '../spam/index.js';
import { authFacts, type EnvelopeFacts } from './message-facts.js';

/** Where the spam score's mail features come from; either may be absent (no feature of its kind). */
export interface MailFeatureSources {
  rdns?: RdnsCheck;
  history?: SenderHistory;
}

/** The first address of the top-level From field of the head bytes, lower case ('' if none). */
export function fromHeaderAddress(head: Buffer): string {
  const text = head.toString('latin1', 0, Math.min(head.length, 64 * 1024));
  const end = text.search(/\r?\n\r?\n/);
  const section = end >= 0 ? text.slice(0, end) : text;
  const field = /(?:^|\n)from:([^\n]*(?:\n[ \t][^\n]*)*)/i.exec(section)?.[1] ?? '';
  return (/[^\s<>"(),:;@]+@[a-z0-9.-]+\.[a-z]{2,}/i.exec(field)?.[0] ?? '').toLowerCase();
}

/**
 * Starts the reverse-DNS check of a message's client at DATA's start, so it
 * runs while the message streams in (the resolver caches it for the next
 * message of the same client). Only mail from outside is checked: submission
 * clients are the company's own users, wherever they connect from.
 */
export function startRdns(
  sources: MailFeatureSources,
  envelope: EnvelopeFacts,
): Promise<RdnsFeatureInput | null> {
  if (!sources.rdns || envelope.direction !== 'inbound' || !envelope.clientIp) return Promise.resolve(null);
  return sources.rdns(envelope.clientIp);
}

/**
 * The mail features of an inbound message: its SPF/DKIM/DMARC results (when
 * the MX checked it), its client's reverse DNS, and what the recipients'
 * domains know of its sender. A source that fails gives no feature (logged).
 */
export async function gatherFeatures(
  sources: MailFeatureSources,
  envelope: EnvelopeFacts,
  input: FilterInput,
  rdns: Promise<RdnsFeatureInput | null>,
  log: Logger,
): Promise<MailFeature[]> {
  if (envelope.direction !== 'inbound') return [];
  const auth = input.authResults ? authFacts(input.authResults) : null;
  const domains = input.targets.map((t) => t.address.slice(t.address.lastIndexOf('@') + 1));
  const history = sources.history
    ? sources.history.lookup(domains, [envelope.mailFrom, fromHeaderAddress(input.head)]).catch((err) => {
        log.warn({ err }, 'sender history lookup failed; no history feature');
        return null;
      })
    : Promise.resolve(null);
  const [client, known] = await Promise.all([rdns, history]);
  return [
    ...authFeatures(auth),
    ...rdnsFeatures(client, envelope.clientIp ?? ''),
    ...historyFeatures(known, auth),
  ];
}
