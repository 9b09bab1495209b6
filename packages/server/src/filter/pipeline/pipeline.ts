import { PassThrough, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { FilterConfig } from '../../config/filter-schema.js';
import type { FilterInput, FilterPlacement, FilterPlan, ReceiveFilter } from '../../mail/index.js';
import { AppError } from '../../shared/index.js';
import { type Action, evaluateRules, type ScopedRules } from '../rules/index.js';
import type { SpamClassifier, SpamVerdict } from '../spam/index.js';
import { combineVerdicts, refuses, tempfail, type Verdict } from '../verdict.js';
import { type ClamdClient, scanForVerdict, type VirusPolicy } from '../virus/index.js';
import { withinBudget } from './budget.js';
import { type RecipientFollowUps, runFollowUps, type SendNew } from './follow-ups.js';
import { authFacts, type EnvelopeFacts, type HeadFacts, headFacts, messageFacts } from './message-facts.js';
import { decideRecipients, type RecipientRules } from './recipients.js';
import { ruleHeaders, spamHeaders } from './spam-headers.js';
import { spamStageVerdict } from './spam-stage.js';

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
  async function spamStage(start: FilterStart, input: FilterInput): Promise<SpamVerdict | null> {
    const { spam } = deps;
    if (!spam || start.direction !== 'inbound') return null;
    const only = input.targets.length === 1 ? input.targets[0] : undefined;
    const scope = only ? { userId: only.userId } : undefined;
    const work = (deps.spamTrained ?? (async () => true))()
      .then((trained) => (trained ? spam.classify(input.head, scope) : null))
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

  function placementOf(decision: Verdict, actions: Action[]): FilterPlacement {
    const held = decision.kind === 'quarantine' && config.quarantineTo === 'admin';
    const junk = decision.kind === 'junk' || (decision.kind === 'quarantine' && !held);
    const move = actions.find((a): a is Extract<Action, { action: 'moveTo' }> => a.action === 'moveTo');
    return { held, junk, seen: actions.some((a) => a.action === 'markRead'), mailbox: move?.folder };
  }

  function refuse(v: Verdict): never {
    if (v.kind !== 'reject' && v.kind !== 'tempfail') throw new Error('not a refusal');
    const code = v.kind === 'reject' ? 'FILTER_REJECTED' : 'FILTER_TEMPFAIL';
    throw new AppError(code, v.answer.text, { smtp: { code: v.answer.code, enhanced: v.answer.enhanced } });
  }

  return {
    start(start) {
      const virus = startVirusScan(deps, start.stream);
      return {
        stream: virus.stream,
        async decide(input) {
          const at = Date.now();
          const messageId = headerMessageId(input.head);
          const record = (verdict: string, score: number | null, reasons: string[]) =>
            deps.trace?.record(filteredEvent(at, messageId, start.mailFrom, verdict, score, reasons));
          const [virusVerdict, spam] = await Promise.all([virus.verdict, spamStage(start, input)]);
          const shared: Verdict[] = [];
          if (virusVerdict) shared.push(virusVerdict);
          if (spam) shared.push(spamStageVerdict(spam));
          // A refusal by the scanner needs no rules: nothing else happens to a refused message.
          const early = combineVerdicts(shared);
          if (refuses(early.decision)) {
            record(early.decision.kind, spam?.score ?? null, early.decision.reasons);
            refuse(early.decision);
          }
          const perRecipient = await withinBudget(
            rulesOf(start, input, spam),
            config.rulesBudgetMs,
            () => null,
          );
          if (perRecipient === null) {
            const v = tempfail('rules', ['rules: over the time budget']);
            record(v.kind, null, v.reasons);
            refuse(v);
          }
          const { placement, strictest, reasons, addedHeaders, subjectTags } = decideRecipients(
            shared,
            input.targets,
            perRecipient,
            placementOf,
          );
          const score = spam?.score ?? null;
          const why = reasons.slice(0, MAX_REASONS);
          record(strictest.kind, score, why);
          if (refuses(strictest)) refuse(strictest);
          const junked = [...placement.values()].some((p) => p.junk);
          const followUps: RecipientFollowUps[] = perRecipient
            .filter((r) => !placement.get(r.target.userId)?.held)
            .map((r) => ({ ...r.target, actions: r.actions }));
          const plan: FilterPlan = {
            prepend: spamHeaders(spam, junked) + ruleHeaders(addedHeaders),
            subjectTags,
            placement,
            result: { verdict: strictest.kind, score, reasons: why },
            after: (message) =>
              followUps.length === 0
                ? Promise.resolve()
                : runFollowUps(
                    { ...deps },
                    { ...message, readBody: deps.readBody, mailFrom: start.mailFrom },
                    followUps,
                  ),
          };
          return plan;
        },
      };
    },
  };
}
