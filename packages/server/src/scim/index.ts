import type { Directory } from '../directory/index.js';
import { createScimGroups } from './groups.js';
import type { ScimService, ScimSettings } from './types.js';
import { createUserReads } from './user-reads.js';
import { createUserWrites } from './user-writes.js';

export { ERROR_SCHEMA, GROUP_CATALOG, USER_CATALOG } from './catalog.js';
export { discoveryDocuments } from './discovery.js';
export { ScimError, scimErrorBody, toScimError } from './errors.js';
export type { ListQuery } from './list.js';
export { matchesNoneMatch, type ScimResource } from './meta.js';
export { project } from './project.js';
export type { ScimContext, ScimList, ScimResources, ScimScope, ScimService, ScimSettings } from './types.js';

/** The SCIM 2.0 server's services (RFC 7643/7644), mapped onto the directory as the REST API maps onto it. */
export function createScimService(deps: { directory: Directory; settings: ScimSettings }): ScimService {
  const reads = createUserReads(deps.directory, deps.settings);
  const writes = createUserWrites(deps.directory, reads, deps.settings);
  return {
    users: { list: reads.list, get: reads.get, ...writes },
    groups: createScimGroups(deps.directory, deps.settings),
    settings: deps.settings,
  };
}
