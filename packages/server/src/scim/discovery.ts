import { ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './catalog.js';
import { SCIMMY } from './scimmy.js';
import type { ScimSettings } from './types.js';

const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** The discovery endpoints' documents (RFC 7644 §4, RFC 7643 §5–7), for a server at `base`. */
export function discoveryDocuments(base: string, settings: ScimSettings) {
  const meta = (resourceType: string, path: string) => ({ resourceType, location: `${base}${path}` });
  const serviceProviderConfig = {
    schemas: [SPC_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: settings.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'A jdmail API key or app access token with the scim:write scope, as Authorization: Bearer',
        primary: true,
      },
    ],
    meta: meta('ServiceProviderConfig', '/ServiceProviderConfig'),
  };
  const resourceTypes = [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A mailbox user; userName is the mail address',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
      meta: meta('ResourceType', '/ResourceTypes/User'),
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group or department of a domain',
      schema: GROUP_SCHEMA,
      meta: meta('ResourceType', '/ResourceTypes/Group'),
    },
  ];
  const schemas = [SCIMMY.Schemas.User, SCIMMY.Schemas.EnterpriseUser, SCIMMY.Schemas.Group].map((s) => {
    const described = s.definition.describe('/Schemas') as Record<string, unknown>;
    return { ...described, id: s.id, schemas: [SCHEMA_SCHEMA], meta: meta('Schema', `/Schemas/${s.id}`) };
  });
  return { serviceProviderConfig, resourceTypes, schemas };
}
