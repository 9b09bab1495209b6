import { type Static, type TSchema, Type } from 'typebox';
import { PATTERNS } from './patterns.js';

/**
 * A `$ref` to a named model (one registered with `app.addSchema`), typed as
 * that model. Refs keep each model a single `components/schemas` entry in the
 * OpenAPI document instead of an inlined copy per route.
 */
export function ref<T extends TSchema>(schema: T, description?: string) {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<T>>(description ? { $ref: id, description } : { $ref: id });
}

/**
 * `T | null`, the shape of every nullable field. Written as `type: [T, 'null']`
 * rather than `anyOf`: ajv's type coercion (on for query strings) would
 * otherwise turn a body's `null` into `""` by matching the string branch first.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type;
  if (typeof type !== 'string') throw new Error('Nullable() takes a schema with a single type');
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
}

/** Timestamps are ISO 8601 strings in UTC. */
export const Timestamp = (description: string) => Type.String({ format: 'date-time', description });

/** An e-mail address as it appears in paths and bodies; the directory checks the syntax. */
export const AddressString = (description = 'E-mail address (case-insensitive)') =>
  Type.String({ minLength: 3, maxLength: 320, pattern: PATTERNS.address.pattern, description });

export const DomainName = (
  description = 'Domain name (case-insensitive). An internationalized name may be given in Unicode or as its A-label (`xn--…`); jdmail stores and returns the A-label.',
) => Type.String({ minLength: 1, maxLength: 253, pattern: PATTERNS.domain.pattern, description });

/** Page size of every list: default 50, at most 200. */
export const Limit = Type.Integer({
  minimum: 1,
  maximum: 200,
  default: 50,
  description: 'Items per page (1–200)',
});
export const Cursor = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: 'Opaque `nextCursor` of the previous page',
});
export const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` to get the next page; null on the last page' }),
);

export const PageQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) });

/** A named list page of `item`: `{ items, nextCursor }`. */
export function PageOf<T extends TSchema>(item: T, id: string, description: string) {
  return Type.Object(
    { items: Type.Array(ref(item)), nextCursor: NextCursor },
    { $id: id, title: id, description },
  );
}

/** The epoch-ms → ISO 8601 conversion every model uses. */
export const iso = (epochMs: number): string => new Date(epochMs).toISOString();
