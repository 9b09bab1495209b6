import type { MessageFacts } from '../rules/index.js';
import { mailParts } from '../spam/mime-parts.js';

/** What the pipeline knows of the envelope and the client, for the rules' facts. */
export interface EnvelopeFacts {
  direction: 'inbound' | 'outbound';
  mailFrom: string;
  clientIp: string | null;
  authenticated: boolean;
}

/** The header fields and attachments the rules look at, parsed once per message from the head bytes. */
export interface HeadFacts {
  headers: { name: string; value: string }[];
  attachments: { name: string; type: string }[];
}

/** Parts looked at, and characters kept of each text part (none are needed: rules see no body text). */
const LIMITS = { maxParts: 500, maxPartChars: 0 };

/**
 * Parses the head bytes the ingest kept (the first HEAD_BYTES) into header
 * fields and attachments at every nesting level (a forwarded message's too).
 * An attachment that starts past the head is not seen: rules never cost a
 * second read of a large message.
 */
export async function headFacts(head: Buffer): Promise<HeadFacts> {
  const parts = await mailParts(head, { ...LIMITS, maxBytes: head.length });
  return {
    headers: parts.headers.map((h) => ({ name: h.name, value: h.value })),
    attachments: parts.attachments.map((a) => ({ name: a.filename, type: a.type })),
  };
}

/** SPF/DKIM/DMARC results from the stored mail-auth JSON (`AuthResults`), each `none` when absent. */
export function authFacts(json: string | undefined): MessageFacts['auth'] {
  if (!json) return {};
  try {
    const r = JSON.parse(json) as {
      spf?: { result?: string };
      dkim?: Array<{ result?: string }>;
      dmarc?: { result?: string };
    };
    type R = MessageFacts['auth']['spf'];
    // DKIM passes when any signature does (RFC 6376 §6.1: each signature stands on its own).
    const dkim = r.dkim?.some((d) => d.result === 'pass') ? 'pass' : r.dkim?.[0]?.result;
    return { spf: r.spf?.result as R, dkim: dkim as R, dmarc: r.dmarc?.result as R };
  } catch {
    return {};
  }
}

/** The facts of one recipient's evaluation. */
export function messageFacts(
  envelope: EnvelopeFacts,
  head: HeadFacts,
  extra: {
    to: string[];
    size: number;
    auth: MessageFacts['auth'];
    spamScore: number | null;
    groups: MessageFacts['groups'];
  },
): MessageFacts {
  return {
    direction: envelope.direction,
    envelope: {
      from: envelope.mailFrom,
      to: extra.to,
      clientIp: envelope.clientIp,
      authenticated: envelope.authenticated,
    },
    headers: head.headers,
    size: extra.size,
    attachments: head.attachments,
    auth: extra.auth,
    spamScore: extra.spamScore,
    groups: extra.groups,
  };
}
