export {
  checkGroupPolicy,
  type GroupPolicyDecision,
  type GroupPolicyInput,
  type GroupPolicyOf,
  type PolicyParty,
} from './check-group-policy.js';
export { createGroupPolicies, type GroupPolicies, type GroupRef } from './group-policies.js';
export { createCachedGroupPolicies, type GroupPolicyCacheOptions } from './policy-cache.js';
export { type GroupPolicy, GroupPolicyModel, OPEN_POLICY } from './policy-schema.js';
