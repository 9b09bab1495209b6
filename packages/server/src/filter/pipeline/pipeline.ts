import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { FilterConfig } from '../../config/filter-schema.js';
import type { FilterInput, FilterPlacement, FilterPlan, ReceiveFilter } from '../../mail/index.js';
import { AppError } from '../../shared/index.js';
import { type Action, evaluateRules, type ScopedRules } from '../rules/index.js';
import type { SpamClassifier, SpamVerdict } from '../spam/index.js';
import { combineVerdicts, refuses, tempfail, VERDICT_STRICTNESS, type Verdict } from '../verdict.js';
import { type ClamdClient, scanForVerdict, type VirusPolicy } from '../virus/index.js';
import { withinBudget } from './budget.js';
import { type RecipientFollowUps, runFollowUps, type SendNew } from './follow-ups.js';
import { gatherFeatures, type MailFeatureSources, startRdns } from './mail-features.js';
import { authFacts, type EnvelopeFacts, type HeadFacts, headFacts, messageFacts } from './message-facts.js';
import { decideRecipients, type RecipientRules } from './recipients.js';
import { ruleHeaders, spamHeaders } from './spam-headers.js';
import { type OutboundSpamPolicy, outboundSpamVerdict, spamStageVerdict } from './spam-stage.js';

/** A trace event of the filter's (`trace/`'s `filtered`). */
export interface FilteredEvent {
  at: number;
  event: 'filtered';
  messageId: string | null;
  sender: string;
  recipient?: string | null;
  detail: { reason: string };
}

export interface FilterPipelineDeps {
  config: FilterConfig;
  virusPolicy: VirusPolicy;
  /** null: no `virus.clamd`, no virus stage. */
  clamd: ClamdClient | null;
  /** null: no spam stage. */
  spam: SpamClassifier | null;
  /**
   * Whether the model has learned its minimum: asked before classifying, so
   * that an untrained install does not tokenize every message for nothing.
   */
  spamTrained?: () => Promise<boolean>;
  /** The rule sets that apply to a user's mail (system, domain, theirs). */
  ruleSets(target: { userId: string; address: string }): Promise<ScopedRules[]>;
  /**
   * The rule sets that apply to an outbound message's remote recipients: the
   * install's and the sender's domain's (no personal rules: they are about mail
   * a user receives). None when absent.
   */
  outboundRuleSets?(sender: string): Promise<ScopedRules[]>;
  /** The spam score's mail features beside the Bayes (rDNS, sender history); none when absent. */
  features?: MailFeatureSources;
  /** What an outbound message scored as spam gets (`filter.outboundSpam*`); default: held over 0.99. */
  outboundSpam?: OutboundSpamPolicy;
  /** Groups (ids and addresses) of an address; asked only when a rule tests group membership. */
  groupsOf(address: string): Promise<string[]>;
  claimVacationReply(userId: string, sender: string, days: number): Promise<boolean>;
  sendNew: SendNew;
  readBody(blobId: string): Readable;
  trace?: { record(event: FilteredEvent): void };
  hostname: string;
  log: Logger;
}

/** What the SMTP DATA stage knows when a message starts. */
export interface FilterStart extends EnvelopeFacts {
  stream: Readable;
}

export interface FilterPipeline {
  /** Starts a message's run: tees its stream to clamd while it streams into the store. */
  start(input: FilterStart): ReceiveFilter;
}

/** Most reasons kept with a message: enough to say why, bounded for the row and the header. */
const MAX_REASONS = 20;

const headerMessageId = (head: Buffer): string | null => {
  const m = /(?:^|\n)message-id:[ \t]*(<[^>\r\n]{1,900}>)/i.exec(head.toString('latin1', 0, 64 * 1024));
  return m ? (m[1] as string) : null;
};

/** The trace's `filtered` event of a message: its verdict, score and reasons in one line. */
function filteredEvent(
  at: number,
  messageId: string | null,
  sender: string,
  verdict: string,
  score: number | null,
  reasons: string[],
): FilteredEvent {
  const scored = score === null ? '' : ` score=${score.toFixed(3)}`;
  return {
    at,
    event: 'filtered',
    messageId,
    sender,
    detail: { reason: `${verdict}${scored}: ${reasons.join('; ')}`.slice(0, 500) },
  };
}

/** Tees the DATA stream: one copy for the store, one for clamd; a scanner that stops never stalls the store. */
function startVirusScan(
  deps: FilterPipelineDeps,
  stream: Readable,
): { stream: Readable; verdict: Promise<Verdict | null> } {
  if (!deps.clamd) return { stream, verdict: Promise.resolve(null) };
  const toStore = new PassThrough();
  const toClamd = new PassThrough();
  stream.pipe(toStore);
  stream.pipe(toClamd);
  const verdict = scanForVerdict(deps.clamd, deps.virusPolicy, toClamd);
  return { stream: toStore, verdict };
}

/** Creates the pipeline: virus (streaming), spam (on the head bytes), rules (per recipient). */
export function createFilterPipeline(deps: FilterPipelineDeps): FilterPipeline {
  const { config, log } = deps;

  /**
   * The message's spam score. A message for one user is scored with the global model plus what
   * that user taught it (their Junk and Not-junk moves); one for several users shares one copy of
   * the body and its X-Spam headers, so it is scored with the global model alone.
   */
  async function spamStage(
    start: FilterStart,
    input: FilterInput,
    rdns: ReturnType<typeof startRdns>,
  ): Promise<SpamVerdict | null> {
    const { spam } = deps;
    if (!spam) return null;
    // Outbound mail is scored with the global model: a user's own model is about mail they receive.
    const only = start.direction === 'inbound' && input.targets.length === 1 ? input.targets[0] : undefined;
    const scope = only ? { userId: only.userId } : undefined;
    const score = async () => {
      const features = await gatherFeatures(deps.features ?? {}, start, input, rdns, log);
      return spam.classify(input.head, scope, features);
    };
    const work = (deps.spamTrained ?? (async () => true))()
      .then((trained) => (trained ? score() : null))
      // An untrained model gives no verdict at all (score null), not a ham one.
      .then((v) => (v?.score == null ? null : v))
      .catch((err: unknown) => {
        log.warn({ err }, 'spam stage failed; message delivered unscored');
        return null;
      });
    return withinBudget(work, config.spamBudgetMs, () => null);
  }

  async function rulesOf(start: FilterStart, input: FilterInput, spam: SpamVerdict | null) {
    const sets = await Promise.all(input.targets.map((t) => deps.ruleSets(t)));
    if (sets.every((s) => s.length === 0)) return [];
    let head: HeadFacts | undefined;
    const needsGroups = sets.some((s) => JSON.stringify(s).includes('"group"'));
    const senderGroups = needsGroups && start.mailFrom ? await deps.groupsOf(start.mailFrom) : [];
    const out: RecipientRules[] = [];
    for (const [i, target] of input.targets.entries()) {
      const own = sets[i] as ScopedRules[];
      if (own.length === 0) continue;
      head ??= await headFacts(input.head);
      const facts = messageFacts(start, head, {
        to: [target.address],
        size: input.size,
        auth: authFacts(input.authResults),
        spamScore: spam?.score ?? null,
        groups: { sender: senderGroups, recipients: needsGroups ? await deps.groupsOf(target.address) : [] },
      });
      const outcome = evaluateRules(own, facts);
      out.push({ target, verdict: outcome.verdict, actions: outcome.actions });
    }
    return out;
  }

  /**
   * The verdict for an outbound message's remote recipients: the message-wide
   * verdicts (virus, spam) with the install's and the sender's domain's rules,
   * evaluated once with every remote recipient as `to`. Null without remote recipients.
   */
  async function remoteDecision(
    start: FilterStart,
    input: FilterInput,
    shared: Verdict[],
    spam: SpamVerdict | null,
  ) {
    const remote = input.remote ?? [];
    if (remote.length === 0) return null;
    const sets = (await deps.outboundRuleSets?.(start.mailFrom)) ?? [];
    let ruled: Verdict | null = null;
    if (sets.length > 0) {
      const facts = messageFacts(start, await headFacts(input.head), {
        to: remote,
        size: input.size,
        auth: authFacts(input.authResults),
        spamScore: spam?.score ?? null,
        groups: { sender: [], recipients: [] },
      });
      ruled = evaluateRules(sets, facts).verdict;
    }
    return combineVerdicts(ruled ? [...shared, ruled] : shared).decision;
  }

  /** Where a copy goes; outbound mail is always held on quarantine (Junk means nothing to its sender). */
  const placementFor =
    (direction: FilterStart['direction']) =>
    (decision: Verdict, actions: Action[]): FilterPlacement => {
      const held =
        decision.kind === 'quarantine' && (config.quarantineTo === 'admin' || direction === 'outbound');
      const junk = decision.kind === 'junk' || (decision.kind === 'quarantine' && !held);
      const move = actions.find((a): a is Extract<Action, { action: 'moveTo' }> => a.action === 'moveTo');
      return { held, junk, seen: actions.some((a) => a.action === 'markRead'), mailbox: move?.folder };
    };

  function refuse(v: Verdict): never {
    if (v.kind !== 'reject' && v.kind !== 'tempfail') throw new Error('not a refusal');
    const code = v.kind === 'reject' ? 'FILTER_REJECTED' : 'FILTER_TEMPFAIL';
    throw new AppError(code, v.answer.text, { smtp: { code: v.answer.code, enhanced: v.answer.enhanced } });
  }

  /** The message-wide verdicts: the scanner's and the spam score's (by the outbound policy for outbound mail). */
  function sharedVerdicts(start: FilterStart, virusVerdict: Verdict | null, spam: SpamVerdict | null) {
    const shared: Verdict[] = [];
    if (virusVerdict) shared.push(virusVerdict);
    if (spam && start.direction === 'inbound') shared.push(spamStageVerdict(spam));
    if (spam && start.direction === 'outbound')
      shared.push(outboundSpamVerdict(spam, deps.outboundSpam ?? { action: 'quarantine', threshold: 0.99 }));
    return shared;
  }

  /** After the delivery committed: the rules' follow-ups, and the sender history of mail sent out. */
  function afterDelivery(
    start: FilterStart,
    input: FilterInput,
    followUps: RecipientFollowUps[],
    sent: boolean,
  ) {
    return async (message: Parameters<FilterPlan['after']>[0]) => {
      const remote = input.remote ?? [];
      if (sent && start.direction === 'outbound' && remote.length > 0 && deps.features?.history) {
        const domain = start.mailFrom.slice(start.mailFrom.lastIndexOf('@') + 1);
        await deps.features.history
          .noteWritten(domain, remote)
          .catch((err: unknown) => log.warn({ err }, 'could not note the sender history of a sent message'));
      }
      if (followUps.length > 0)
        await runFollowUps(
          { ...deps },
          { ...message, readBody: deps.readBody, mailFrom: start.mailFrom },
          followUps,
        );
    };
  }

  async function decide(
    start: FilterStart,
    input: FilterInput,
    virus: Promise<Verdict | null>,
    rdns: ReturnType<typeof startRdns>,
  ) {
    const at = Date.now();
    const messageId = headerMessageId(input.head);
    const record = (verdict: string, score: number | null, reasons: string[]) =>
      deps.trace?.record(filteredEvent(at, messageId, start.mailFrom, verdict, score, reasons));
    const [virusVerdict, spam] = await Promise.all([virus, spamStage(start, input, rdns)]);
    const shared = sharedVerdicts(start, virusVerdict, spam);
    // A refusal by the scanner needs no rules: nothing else happens to a refused message.
    const early = combineVerdicts(shared);
    if (refuses(early.decision)) {
      record(early.decision.kind, spam?.score ?? null, early.decision.reasons);
      refuse(early.decision);
    }
    const ruled = await withinBudget(
      Promise.all([rulesOf(start, input, spam), remoteDecision(start, input, shared, spam)]),
      config.rulesBudgetMs,
      () => null,
    );
    if (ruled === null) {
      const v = tempfail('rules', ['rules: over the time budget']);
      record(v.kind, null, v.reasons);
      refuse(v);
    }
    const [perRecipient, remote] = ruled;
    const decided = decideRecipients(shared, input.targets, perRecipient, placementFor(start.direction));
    let { strictest } = decided;
    if (remote && VERDICT_STRICTNESS[remote.kind] > VERDICT_STRICTNESS[strictest.kind]) strictest = remote;
    const reasons = [...new Set([...decided.reasons, ...(remote?.reasons ?? [])])];
    const score = spam?.score ?? null;
    const why = reasons.slice(0, MAX_REASONS);
    record(strictest.kind, score, why);
    if (refuses(strictest)) refuse(strictest);
    const { placement } = decided;
    const holdRemote = remote?.kind === 'quarantine';
    const junked = [...placement.values()].some((p) => p.junk);
    const followUps: RecipientFollowUps[] = perRecipient
      .filter((r) => !placement.get(r.target.userId)?.held)
      .map((r) => ({ ...r.target, actions: r.actions }));
    // Our score is for our users' clients; a message going out does not tell the world.
    const spamFields = start.direction === 'inbound' ? spamHeaders(spam, junked) : '';
    const plan: FilterPlan = {
      prepend: spamFields + ruleHeaders(decided.addedHeaders),
      subjectTags: decided.subjectTags,
      placement,
      holdRemote,
      result: { verdict: strictest.kind, score, reasons: why },
      after: afterDelivery(start, input, followUps, !holdRemote),
    };
    return plan;
  }

  return {
    start(start) {
      const virus = startVirusScan(deps, start.stream);
      const rdns = startRdns(deps.features ?? {}, start);
      return { stream: virus.stream, decide: (input) => decide(start, input, virus.verdict, rdns) };
    },
  };
}
