import { Type } from 'typebox';
import type { RuleOwner, RulesService } from '../../../../filter/index.js';
import { AppError, normalizeDomain } from '../../../../shared/index.js';
import { authorize, principalOf, rulesTarget } from '../../../auth/index.js';
import { DomainName, ref } from '../../../schemas/common.js';
import { RuleSetBody, StoredRulesModel, toStoredRulesJson } from '../../../schemas/filter.js';
import { BODY_PROBLEMS, op, problems } from '../../op.js';
import { visibleUser } from '../access.js';
import type { V1Plugin } from '../deps.js';
import { UserParams } from '../users/users.js';

const GLOBAL_CALLERS = 'system admins (install-wide rules); admins of the domain (`?domain=`)';
const USER_CALLERS = 'the user themself, admins of their domain';
const DomainQuery = Type.Object({
  domain: Type.Optional(DomainName('A domain’s rules; absent: the install-wide rules')),
});

/** The rules service, or 503 on a server built without it. */
export function rulesService(s: RulesService | undefined): RulesService {
  if (!s) throw new AppError('UNAVAILABLE', 'Filter rules are not available on this server');
  return s;
}

/** `/rules` (install-wide and per domain) and `/users/{address}/rules` (personal). */
export const ruleRoutes: V1Plugin = async (app, { directory, rules }) => {
  /** The owner of `?domain=`'s rules once the caller may use `scope` on it; another's domain is 404. */
  async function globalOwner(
    request: Parameters<typeof principalOf>[0],
    scope: 'domains:read' | 'domains:write',
    rawDomain: string | undefined,
  ): Promise<{ owner: RuleOwner; name: string | null }> {
    const domain = rawDomain === undefined ? null : normalizeDomain(rawDomain);
    authorize(principalOf(request), scope, rulesTarget(domain), 'DOMAIN_NOT_FOUND');
    if (domain === null) return { owner: { scope: 'system' }, name: null };
    const found = await directory.getDomain(domain);
    return { owner: { scope: 'domain', domainId: found.id }, name: found.name };
  }

  app.get(
    '/rules',
    op(
      {
        operationId: 'getRules',
        tag: 'filter',
        summary: 'Get the global filter rules',
        description:
          'The install-wide rules, or with `?domain=` one domain’s. They run before users’ personal rules.',
        scope: 'domains:read',
        callers: GLOBAL_CALLERS,
      },
      {
        querystring: DomainQuery,
        response: { 200: ref(StoredRulesModel, 'The rules'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const { owner, name } = await globalOwner(request, 'domains:read', request.query.domain);
      return toStoredRulesJson(owner.scope, name, await rulesService(rules).get(owner));
    },
  );

  app.put(
    '/rules',
    op(
      {
        operationId: 'replaceRules',
        tag: 'filter',
        summary: 'Replace the global filter rules',
        description:
          'The whole ordered list at once; an empty list removes every rule. Vacation replies are refused here (personal rules only).',
        scope: 'domains:write',
        callers: GLOBAL_CALLERS,
      },
      {
        querystring: DomainQuery,
        body: ref(RuleSetBody),
        response: { 200: ref(StoredRulesModel, 'The stored rules'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const { owner, name } = await globalOwner(request, 'domains:write', request.query.domain);
      return toStoredRulesJson(
        owner.scope,
        name,
        await rulesService(rules).replace(owner, request.body.rules),
      );
    },
  );

  app.get(
    '/users/:address/rules',
    op(
      {
        operationId: 'getUserRules',
        tag: 'filter',
        summary: 'Get a user’s personal rules',
        scope: 'mail:read',
        callers: USER_CALLERS,
      },
      {
        params: UserParams,
        response: { 200: ref(StoredRulesModel, 'The rules'), ...problems(403, 404, 422) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:read', request.params.address);
      const set = await rulesService(rules).get({ scope: 'user', userId: user.id });
      return toStoredRulesJson('user', user.address, set);
    },
  );

  app.put(
    '/users/:address/rules',
    op(
      {
        operationId: 'replaceUserRules',
        tag: 'filter',
        summary: 'Replace a user’s personal rules',
        description:
          'The whole ordered list at once (move to a folder, mark read, forward, vacation reply …).',
        scope: 'mail:write',
        callers: USER_CALLERS,
      },
      {
        params: UserParams,
        body: ref(RuleSetBody),
        response: { 200: ref(StoredRulesModel, 'The stored rules'), ...problems(403, 404, ...BODY_PROBLEMS) },
      },
    ),
    async (request) => {
      const user = await visibleUser(request, directory, 'mail:write', request.params.address);
      const set = await rulesService(rules).replace({ scope: 'user', userId: user.id }, request.body.rules);
      return toStoredRulesJson('user', user.address, set);
    },
  );
};
