import {
  assertValidRuleSet,
  evaluateRules,
  factsFromStoredMessage,
  type GroupPolicies,
  type ScopedRules,
} from '../../../../filter/index.js';
import { decide, principalOf, rulesTarget } from '../../../auth/index.js';
import { ref } from '../../../schemas/common.js';
import { RulesTestBody, RulesTestResult } from '../../../schemas/filter.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { rulesService } from './rules.js';

const groupNames = async (policies: GroupPolicies | undefined, address: string): Promise<string[]> =>
  policies ? (await policies.groupsOf(address)).flatMap((g) => (g.address ? [g.id, g.address] : [g.id])) : [];

/** `POST /rules/test`: a dry run of rules against a stored message. */
export const ruleTestRoutes: V1Plugin = async (app, { directory, mail, rules, groupPolicies }) => {
  app.post(
    '/rules/test',
    op(
      {
        operationId: 'testRules',
        tag: 'filter',
        summary: 'Dry-run rules against a stored message',
        description:
          'Evaluates the given rules (or the sets that apply to the user and that the caller may read) on one of the user’s stored messages and says which rules match and what they would do. Nothing is changed, moved or sent.',
        scope: 'mail:read',
        callers: 'the user themself, admins of their domain',
      },
      {
        body: ref(RulesTestBody),
        response: {
          200: ref(RulesTestResult, 'What the rules would do'),
          ...problems(403, 404, ...BODY_PROBLEMS),
        },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.body.user);
      const service = rulesService(rules);
      const message = await mail.getMessage(user.address, request.body.messageId);
      const scope = request.body.scope ?? 'user';
      let sets: ScopedRules[];
      if (request.body.rules) {
        assertValidRuleSet(request.body.rules.rules, scope);
        sets = [{ scope, rules: request.body.rules.rules }];
      } else {
        const domain = await directory.getDomain(user.domain);
        const all = await service.setsFor({ id: user.id, domainId: domain.id });
        const p = principalOf(request);
        const may = (d: string | null) => decide(p, 'domains:read', rulesTarget(d)).outcome === 'allow';
        sets = all.filter((s) => s.scope === 'user' || (s.scope === 'system' ? may(null) : may(user.domain)));
      }
      const envelope = request.body.envelope ?? {};
      const from = envelope.from ?? message.from?.address ?? '';
      const groups = {
        sender: await groupNames(groupPolicies, from),
        recipients: await groupNames(groupPolicies, user.address),
      };
      const facts = factsFromStoredMessage(message, user.address, groups, envelope);
      const out = evaluateRules(sets, facts);
      return {
        matched: out.matched,
        actions: out.actions,
        verdict: out.verdict
          ? {
              kind: out.verdict.kind,
              reasons: out.verdict.reasons,
              ...('answer' in out.verdict ? { answer: out.verdict.answer } : {}),
            }
          : null,
        stopped: out.stopped,
        facts: {
          direction: facts.direction,
          from: facts.envelope.from,
          size: facts.size,
          attachments: facts.attachments,
          auth: facts.auth,
          spamScore: facts.spamScore,
          groups: facts.groups,
        },
      };
    },
  );
};
