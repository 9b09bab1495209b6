export { assertValidRuleSet, MAX_CONDITIONS, type RuleProblem, ruleSetProblems } from './check.js';
export { MAX_DEPTH } from './conditions.js';
export {
  DEFAULT_STEP_LIMIT,
  evaluateRules,
  type MatchedRule,
  RULES_STAGE,
  type RuleScope,
  type RulesOutcome,
  type ScopedRules,
} from './evaluate.js';
export { fold, type MessageFacts } from './facts.js';
export { createRulesService, type RuleOwner, type RulesService, type StoredRuleSet } from './rules-store.js';
export {
  Action,
  Condition,
  MAX_RULES,
  RULE_MODELS,
  Rule,
  type RuleSet,
  RuleSetBody,
  StringTest,
} from './schema.js';
export { authFromHeaders, factsFromStoredMessage, type StoredEnvelope } from './stored-facts.js';
export { testString, wildcardMatch } from './string-test.js';
