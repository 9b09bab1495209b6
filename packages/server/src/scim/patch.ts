import { PATCH_SCHEMA } from './catalog.js';
import { ScimError } from './errors.js';
import type { ScimResource } from './meta.js';
import { booleansFromStrings, SCIMMY } from './scimmy.js';

type SchemaClass = typeof SCIMMY.Schemas.User | typeof SCIMMY.Schemas.Group;

/**
 * Applies a PatchOp message (RFC 7644 §3.5.2) to a resource's current
 * representation with scimmy: `add`, `replace` and `remove`, with or
 * without `path`, value filters (`members[value eq "…"]`,
 * `emails[type eq "work"].value`), extension paths (`urn:…:User:department`).
 * Identity providers' habits are accepted: operation names in any case
 * (Entra ID's `Replace`), booleans as strings (`"False"`), a `remove` of
 * members that lists them in `value` (Entra ID), a `replace` whose value
 * object also carries the read-only `id` (Okta), an enterprise `manager`
 * given as a bare id (Entra ID). Returns the patched
 * representation; the caller maps it onto the directory.
 */
export async function applyPatch(
  schema: SchemaClass,
  current: ScimResource,
  body: unknown,
): Promise<Record<string, unknown>> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', 'the body must be a PatchOp message');
  const { schemas, Operations } = body as { schemas?: unknown; Operations?: unknown };
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA))
    throw new ScimError(400, 'invalidSyntax', `schemas must be [${PATCH_SCHEMA}]`);
  if (!Array.isArray(Operations) || Operations.length === 0)
    throw new ScimError(400, 'invalidSyntax', 'Operations must be a non-empty array');
  const operations = Operations.map((op: unknown) =>
    booleansFromStrings(booleanPath(managerAsObject(withoutReadOnly(withoutNulls(op))))),
  );
  const message = new SCIMMY.Messages.PatchOp({ schemas: [PATCH_SCHEMA], Operations: operations } as never);
  const { meta: _meta, ...data } = current;
  const instance = new schema(data, 'out');
  const patched = await message.apply(instance, async (target: unknown) => target as Record<string, unknown>);
  return JSON.parse(JSON.stringify(patched ?? instance)) as Record<string, unknown>;
}

/**
 * RFC 7643 §2.5: a null is the same as no value. Entra ID sends members as
 * `{"$ref": null, "value": …}`; left in, the null would have to match too.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** Entra ID's `{"op":"Replace","path":"active","value":"False"}`: the string means the boolean. */
function booleanPath(op: unknown): unknown {
  if (!op || typeof op !== 'object' || Array.isArray(op)) return op;
  const { path, value } = op as { path?: unknown; value?: unknown };
  if (typeof path !== 'string' || typeof value !== 'string') return op;
  const name =
    path
      .slice(path.lastIndexOf(':') + 1)
      .split('.')
      .pop() ?? '';
  const fixed = booleansFromStrings(value, name);
  return fixed === value ? op : { ...op, value: fixed };
}

/** Entra ID sets the (complex) enterprise `manager` to a bare id string: RFC 7643 §4.3 makes it `{ value }`. */
function managerAsObject(op: unknown): unknown {
  if (!op || typeof op !== 'object' || Array.isArray(op)) return op;
  const { path, value } = op as { path?: unknown; value?: unknown };
  if (typeof path === 'string' && /:manager$/i.test(path) && typeof value === 'string')
    return { ...op, value: { value } };
  return op;
}

/**
 * Okta replaces a group's name with `{"op":"replace","value":{"id":…,"displayName":…}}`:
 * `id` is read-only (RFC 7643 §3.1) and the same as before, so it is left out
 * rather than refused. Only a path-less operation's top-level `id` and `meta` go.
 */
function withoutReadOnly(op: unknown): unknown {
  if (!op || typeof op !== 'object' || Array.isArray(op)) return op;
  const { path, value } = op as { path?: unknown; value?: unknown };
  if (path !== undefined || !value || typeof value !== 'object' || Array.isArray(value)) return op;
  const { id: _id, meta: _meta, schemas: _schemas, ...rest } = value as Record<string, unknown>;
  return { ...op, value: rest };
}
