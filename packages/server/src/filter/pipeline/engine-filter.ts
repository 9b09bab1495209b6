import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import type { Directory } from '../../directory/index.js';
import { parseAddressList } from '../../limits/address-list.js';
import { type MailService, receivedHeader } from '../../mail/index.js';
import { newId } from '../../shared/index.js';
import type { GroupPolicies } from '../groups/index.js';
import type { RulesService } from '../rules/index.js';
import {
  createRdnsCheck,
  type ResolveRecords,
  type SenderHistory,
  type SpamClassifier,
} from '../spam/index.js';
import { createClamdClient, parseClamdAddress } from '../virus/index.js';
import type { NewMessage } from './follow-ups.js';
import { createFilterPipeline, type FilteredEvent, type FilterPipeline } from './pipeline.js';

export interface EngineFilterDeps {
  config: Config;
  mail: MailService;
  directory: Directory;
  rules: RulesService;
  groups: GroupPolicies;
  spam: SpamClassifier;
  /** The server's one cached resolver (`dns/`), for the reverse-DNS feature. */
  resolve?: ResolveRecords;
  senderHistory?: SenderHistory;
  readBody(blobId: string): Readable;
  trace?: { record(event: FilteredEvent): void };
  log: Logger;
}

/** How long a domain's id is remembered for rule lookups (a renamed or deleted domain is seen after it). */
const DOMAIN_TTL_MS = 60_000;

/**
 * The filter pipeline built from the engine's parts (main.ts): clamd from
 * `virus.clamd` (none when empty), the spam classifier, the rules store, and
 * new messages (forwards, archive copies, vacation replies) delivered through
 * the mail service — local recipients at once, remote ones into the queue —
 * without passing the filter again. Undefined when `filter.enabled` is off.
 */
export function createEngineFilter(deps: EngineFilterDeps): FilterPipeline | undefined {
  const { config, directory, log } = deps;
  if (!config.filter.enabled) return undefined;
  const clamd = config.virus.clamd
    ? createClamdClient({
        address: parseClamdAddress(config.virus.clamd),
        maxStreamBytes: config.virus.maxStreamBytes,
        chunkBytes: config.virus.chunkBytes,
        timeoutMs: config.virus.timeoutMs,
      })
    : null;
  const domainIds = new Map<string, { id: string | null; at: number }>();
  async function domainIdOf(domain: string): Promise<string | null> {
    const known = domainIds.get(domain);
    if (known && Date.now() - known.at < DOMAIN_TTL_MS) return known.id;
    const id = await directory.getDomain(domain).then(
      (d) => d.id,
      () => null,
    );
    domainIds.set(domain, { id, at: Date.now() });
    return id;
  }

  async function sendNew(m: NewMessage): Promise<void> {
    const found = await directory.findUserIds(m.recipients);
    const targets = [...found].map(([address, userId]) => ({ address, userId }));
    const remote: string[] = [];
    for (const r of m.recipients.filter((a) => !found.has(a.toLowerCase()) && !found.has(a))) {
      if (await directory.isLocalDomain(r.slice(r.lastIndexOf('@') + 1)))
        log.warn({ recipient: r, why: m.why }, 'rule names an unknown local address; nothing sent');
      else remote.push(r);
    }
    if (targets.length === 0 && remote.length === 0) return;
    const id = newId();
    await deps.mail.receive({
      stream: m.body(),
      trace: receivedHeader({
        helo: 'filter',
        clientAddress: '127.0.0.1',
        by: config.hostname,
        protocol: 'LOCAL',
        id,
      }),
      targets,
      mailFrom: m.mailFrom,
      outbound: remote.length > 0 ? { mailFrom: m.mailFrom, recipients: remote } : undefined,
      maxSize: config.smtp.maxMessageSize,
    });
    log.info({ id, why: m.why, local: targets.length, remote: remote.length }, 'filter sent a message');
  }

  // Asking the totals costs about as much as the rest of the pipeline (bench/README.md), so the answer
  // is kept: a trained model stays trained (a reset is noticed within a minute), an untrained one is
  // asked again after a second, so a training run counts for the next messages.
  let known: { trained: boolean; until: number } = { trained: false, until: 0 };
  async function spamTrained(): Promise<boolean> {
    if (Date.now() < known.until) return known.trained;
    const { spam, ham } = await deps.spam.learned();
    const trained = spam >= config.spam.minSpamLearned && ham >= config.spam.minHamLearned;
    known = { trained, until: Date.now() + (trained ? 60_000 : 1000) };
    return trained;
  }

  const trusted = parseAddressList(config.mailAuth.trustedNetworks.join(','));
  const features =
    config.filter.mailFeatures && deps.resolve
      ? {
          rdns:
            config.smtp.reverseDnsTimeoutMs > 0
              ? createRdnsCheck({
                  resolve: deps.resolve,
                  trusted: (ip) => trusted.has(ip),
                  timeoutMs: config.smtp.reverseDnsTimeoutMs,
                })
              : undefined,
          history: deps.senderHistory,
        }
      : undefined;

  return createFilterPipeline({
    config: config.filter,
    features,
    outboundSpam: { action: config.filter.outboundSpam, threshold: config.filter.outboundSpamThreshold },
    async outboundRuleSets(sender) {
      const domainId = await domainIdOf(sender.slice(sender.lastIndexOf('@') + 1));
      // No user id: personal rules are about mail a user receives.
      return deps.rules.setsFor({ id: '', domainId: domainId ?? '' });
    },
    virusPolicy: config.virus,
    clamd,
    spam: deps.spam,
    spamTrained,
    async ruleSets(target) {
      const domainId = await domainIdOf(target.address.slice(target.address.lastIndexOf('@') + 1));
      return deps.rules.setsFor({ id: target.userId, domainId: domainId ?? '' });
    },
    async groupsOf(address) {
      const groups = await deps.groups.groupsOf(address);
      return groups.flatMap((g) => (g.address ? [g.id, g.address] : [g.id]));
    },
    claimVacationReply: (userId, sender, days) => deps.rules.claimVacationReply(userId, sender, days),
    sendNew,
    readBody: deps.readBody,
    trace: deps.trace,
    hostname: config.hostname,
    log,
  });
}
