import type { HttpClient } from '../http.js';
import type {
  GroupPolicy,
  GroupPolicyInput,
  RuleInput,
  RulesTestResult,
  SpamTrainInput,
  SpamTrainResult,
  StoredRules,
  TestRulesInput,
} from '../types.js';
import { path } from './path.js';

/** `client.filter`: global and personal filter rules, their dry run, groups' mail policies, and spam training. */
export class Filter {
  /** @internal Made by {@link JdMail}; use `jd.<resource>`. */
  constructor(private readonly http: HttpClient) {}

  /**
   * The install-wide rules, or one domain's.
   *
   * @example
   * const { rules } = await jd.filter.rules('example.com');
   */
  rules(domain?: string): Promise<StoredRules> {
    return this.http.json({ method: 'GET', path: '/rules', query: { domain } });
  }

  /**
   * Replaces the install-wide rules, or one domain's, with `rules` (in order; `[]` removes them all).
   *
   * @example
   * await jd.filter.replaceRules([
   *   { name: 'no .exe from outside', when: { all: [{ direction: 'inbound' }, { attachment: { name: { endsWith: '.exe' } } }] },
   *     actions: [{ action: 'reject', text: 'Executables are not accepted' }] },
   * ], 'example.com');
   */
  replaceRules(rules: RuleInput[], domain?: string): Promise<StoredRules> {
    return this.http.json({ method: 'PUT', path: '/rules', query: { domain }, body: { rules } });
  }

  /**
   * A user's personal rules.
   *
   * @example
   * const { rules } = await jd.filter.userRules('alice@example.com');
   */
  userRules(address: string): Promise<StoredRules> {
    return this.http.json({ method: 'GET', path: path`/users/${address}/rules` });
  }

  /**
   * Replaces a user's personal rules.
   *
   * @example
   * await jd.filter.replaceUserRules('alice@example.com', [
   *   { name: 'away', when: { direction: 'inbound' }, actions: [{ action: 'vacation', days: 7, subject: 'Away', text: 'Back on Monday' }] },
   * ]);
   */
  replaceUserRules(address: string, rules: RuleInput[]): Promise<StoredRules> {
    return this.http.json({ method: 'PUT', path: path`/users/${address}/rules`, body: { rules } });
  }

  /**
   * Dry-runs rules (given, or the user's applicable ones) on a stored message; changes nothing.
   *
   * @example
   * const { matched, verdict } = await jd.filter.test({ user: 'alice@example.com', messageId: id });
   */
  test(input: TestRulesInput): Promise<RulesTestResult> {
    // Only reads: safe to send again after a network error.
    return this.http.json({ method: 'POST', path: '/rules/test', body: input, idempotent: true });
  }

  /**
   * A group's mail policy (the open policy when it has none).
   *
   * @example
   * const { send, receive } = await jd.filter.groupPolicy(groupId);
   */
  groupPolicy(groupId: string): Promise<GroupPolicy> {
    return this.http.json({ method: 'GET', path: path`/groups/${groupId}/policy` });
  }

  /**
   * Replaces a group's mail policy; absent fields take the open policy's values.
   *
   * @example
   * await jd.filter.replaceGroupPolicy(internsId, { send: 'inside' }); // the rest: no restriction
   */
  replaceGroupPolicy(groupId: string, policy: GroupPolicyInput): Promise<GroupPolicy> {
    return this.http.json({ method: 'PUT', path: path`/groups/${groupId}/policy`, body: policy });
  }

  /**
   * Learns one message as spam or ham: without `user` into the global model
   * (system admins), with `user` into that user's own model. `raw` is the
   * message as text (or base64 with `encoding: 'base64'`); `messageId` names
   * one of the user's stored messages instead.
   *
   * @example
   * await jd.filter.trainSpam({ class: 'ham', user: 'alice@example.com', messageId: id });
   * await jd.filter.trainSpam({ class: 'spam', raw: readFileSync('spam.eml').toString('base64'), encoding: 'base64' });
   */
  trainSpam(input: SpamTrainInput): Promise<SpamTrainResult> {
    // Learning is keyed by the message: sending it again after a network error changes nothing more.
    return this.http.json({ method: 'POST', path: '/spam/train', body: input, idempotent: true });
  }
}
