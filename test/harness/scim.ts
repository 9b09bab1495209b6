import type { TestServer } from './server.js';

/** A SCIM answer: status, headers and the parsed body (null when empty). */
export interface ScimAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are asserted field by field
  body: any;
}

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/**
 * Raw HTTP to `/scim/v2` as an identity provider sends it (fetch, a Bearer
 * token, `application/scim+json` bodies); no SCIM code of ours involved.
 */
export function scimClient(server: TestServer, token: string | null) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimAnswer> => {
    const res = await fetch(`${server.baseUrl}/scim/v2${path}`, {
      method,
      headers: {
        accept: 'application/scim+json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
}

/** An API key made by the admin key over REST. */
export async function makeKey(server: TestServer, scopes: string[], domain: string | null): Promise<string> {
  const res = await fetch(`${server.baseUrl}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `scim ${domain ?? 'all'}`, scopes, ...(domain ? { domain } : {}) }),
  });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/** A REST call with the admin key. */
export async function rest(server: TestServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.adminKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
}
