import type { Kysely } from 'kysely';
import type { DB } from '../../store/index.js';
import { assertValidRuleSet } from './check.js';
import type { RuleScope, ScopedRules } from './evaluate.js';
import type { Rule } from './schema.js';

/** Whose rule set: the install's, a domain's (by id) or a user's (by id). */
export type RuleOwner =
  | { scope: 'system' }
  | { scope: 'domain'; domainId: string }
  | { scope: 'user'; userId: string };

/** A stored rule set; an owner without one has no rules (`updatedAt` null). */
export interface StoredRuleSet {
  owner: RuleOwner;
  rules: Rule[];
  updatedAt: number | null;
}

/** Rule sets in the SQL store (migration 0011-rules), and the vacation-reply log. */
export interface RulesService {
  /** The owner's rules (empty when none were stored). */
  get(owner: RuleOwner): Promise<StoredRuleSet>;
  /** Replaces the owner's rules, after {@link assertValidRuleSet}; an empty list removes the row. */
  replace(owner: RuleOwner, rules: Rule[]): Promise<StoredRuleSet>;
  /** Every stored set of `scope` (all scopes when absent), owners in key order. */
  list(scope?: RuleScope): Promise<StoredRuleSet[]>;
  /** The sets that apply to a user's mail, in evaluation order: system, their domain's, theirs. */
  setsFor(user: { id: string; domainId: string }): Promise<ScopedRules[]>;
  /**
   * Whether `userId` is due a vacation reply to `sender` (none within `days`),
   * recording it if so: of two concurrent deliveries only one gets true.
   */
  claimVacationReply(userId: string, sender: string, days: number, now?: number): Promise<boolean>;
  /** Forgets vacation replies older than `maxDays` (the longest a rule may ask for); returns how many. */
  sweepVacationReplies(maxDays?: number, now?: number): Promise<number>;
}

const DAY_MS = 86_400_000;

const keyOf = (o: RuleOwner): string =>
  o.scope === 'system' ? 'system' : o.scope === 'domain' ? `domain:${o.domainId}` : `user:${o.userId}`;

function ownerOf(row: { scope: string; domain_id: string | null; user_id: string | null }): RuleOwner {
  if (row.scope === 'domain' && row.domain_id) return { scope: 'domain', domainId: row.domain_id };
  if (row.scope === 'user' && row.user_id) return { scope: 'user', userId: row.user_id };
  return { scope: 'system' };
}

/** Stored JSON written by `replace`, so it parses; a row edited by hand that does not counts as no rules. */
function parseRules(json: string): Rule[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as Rule[]) : [];
  } catch {
    return [];
  }
}

export function createRulesService(db: Kysely<DB>): RulesService {
  const rowsOf = (keys: string[]) =>
    db.selectFrom('filter_rules').selectAll().where('owner_key', 'in', keys).execute();

  return {
    async get(owner) {
      const [row] = await rowsOf([keyOf(owner)]);
      return {
        owner,
        rules: row ? parseRules(row.rules) : [],
        updatedAt: row ? Number(row.updated_at) : null,
      };
    },

    async replace(owner, rules) {
      assertValidRuleSet(rules, owner.scope);
      const owner_key = keyOf(owner);
      if (rules.length === 0) {
        await db.deleteFrom('filter_rules').where('owner_key', '=', owner_key).execute();
        return { owner, rules: [], updatedAt: null };
      }
      const now = Date.now();
      const row = {
        owner_key,
        scope: owner.scope,
        domain_id: owner.scope === 'domain' ? owner.domainId : null,
        user_id: owner.scope === 'user' ? owner.userId : null,
        rules: JSON.stringify(rules),
        updated_at: now,
      };
      await db
        .insertInto('filter_rules')
        .values(row)
        .onConflict((oc) => oc.column('owner_key').doUpdateSet({ rules: row.rules, updated_at: now }))
        .execute();
      return { owner, rules, updatedAt: now };
    },

    async list(scope) {
      let q = db.selectFrom('filter_rules').selectAll().orderBy('owner_key');
      if (scope) q = q.where('scope', '=', scope);
      return (await q.execute()).map((r) => ({
        owner: ownerOf(r),
        rules: parseRules(r.rules),
        updatedAt: Number(r.updated_at),
      }));
    },

    async setsFor(user) {
      const keys = ['system', `domain:${user.domainId}`, `user:${user.id}`];
      const rows = new Map((await rowsOf(keys)).map((r) => [r.owner_key, parseRules(r.rules)]));
      const scopes: RuleScope[] = ['system', 'domain', 'user'];
      return scopes
        .map((scope, i) => ({ scope, rules: rows.get(keys[i] as string) ?? [] }))
        .filter((s) => s.rules.length > 0);
    },

    async claimVacationReply(userId, sender, days, now = Date.now()) {
      const key = sender.toLowerCase();
      const inserted = await db
        .insertInto('vacation_replies')
        .values({ user_id: userId, sender: key, replied_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'sender']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
      // Taken only if the last reply is old enough: one UPDATE, so two deliveries cannot both win.
      const updated = await db
        .updateTable('vacation_replies')
        .set({ replied_at: now })
        .where('user_id', '=', userId)
        .where('sender', '=', key)
        .where('replied_at', '<=', now - days * DAY_MS)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    },

    async sweepVacationReplies(maxDays = 365, now = Date.now()) {
      const res = await db
        .deleteFrom('vacation_replies')
        .where('replied_at', '<', now - maxDays * DAY_MS)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
