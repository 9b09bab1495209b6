import type { CreateUserInput } from '../../../../directory/index.js';
import { assertCanGrant, assertManageableAddress, type Principal } from '../../../auth/index.js';

/**
 * What a caller must be allowed before a user is made (one POST /users, or one
 * row of a batch): the address and every alias in a domain it manages (404
 * otherwise, whether the address exists or not), and the role and admin
 * domains within what it could grant itself (403).
 */
export function assertMayCreateUser(principal: Principal, input: CreateUserInput): void {
  assertManageableAddress(principal, 'users:write', input.address, 'address');
  for (const [i, alias] of (input.aliases ?? []).entries()) {
    assertManageableAddress(principal, 'users:write', alias, `aliases[${i}]`);
  }
  assertCanGrant(principal, input.role ?? 'user', input.adminDomains ?? []);
}
