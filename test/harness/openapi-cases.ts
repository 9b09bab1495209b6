/**
 * Requests generated from the OpenAPI document: for every operation, one
 * request per string parameter or body field carrying a bad value, the rest
 * of the request filled with plausible values. Used to prove that no input a
 * client can send makes the server answer 500.
 */

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface BadRequestCase {
  /** What is bad, e.g. `GET /api/v1/users query.q`. */
  label: string;
  method: string;
  /** Path and query, encoded. */
  url: string;
  contentType?: string;
  body?: string;
}

/** Plausible values for the path parameters of this API, by name. */
const PATH_SAMPLES: Record<string, string> = {
  address: 'alice@example.com',
  domain: 'example.com',
  clientId: 'jdc_unknown',
  provider: 'corp',
  attachmentId: '1',
};

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  return resolve(doc, doc.components.schemas[ref.replace('#/components/schemas/', '')] ?? {});
}

const typesOf = (s: Schema) => [s.type].flat().filter((t): t is string => typeof t === 'string');

/** A value the schema takes, as simply as possible (required properties only). */
export function sample(doc: OpenApiDocument, raw: Schema, name = ''): unknown {
  const s = resolve(doc, raw);
  if (Array.isArray(s.enum)) return s.enum[0];
  if ('const' in s) return s.const;
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (branches?.[0]) return sample(doc, branches[0], name);
  const type = typesOf(s)[0];
  if (type === 'object') {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = (s.required ?? []) as string[];
    return Object.fromEntries(required.map((k) => [k, sample(doc, props[k] ?? {}, k)]));
  }
  if (type === 'array') {
    const min = typeof s.minItems === 'number' ? s.minItems : 0;
    return Array.from({ length: min }, () => sample(doc, (s.items ?? {}) as Schema, name));
  }
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'null') return null;
  if (Array.isArray(s.examples) && typeof s.examples[0] === 'string') return s.examples[0];
  if (/address|user$|^users$/i.test(name)) return 'alice@example.com';
  return 'x'.repeat(typeof s.minLength === 'number' ? Math.max(1, s.minLength) : 1);
}

/** Paths (`to[0].name`) of every string (`kind: 'string'`) and number field reachable in `schema`. */
export function fieldsOf(
  doc: OpenApiDocument,
  raw: Schema,
  path: (string | number)[] = [],
  depth = 0,
): { path: (string | number)[]; kind: 'string' | 'number' }[] {
  if (depth > 6) return [];
  const s = resolve(doc, raw);
  const out: { path: (string | number)[]; kind: 'string' | 'number' }[] = [];
  const types = typesOf(s);
  if (types.includes('string') && !Array.isArray(s.enum)) out.push({ path, kind: 'string' });
  if (types.includes('integer') || types.includes('number')) out.push({ path, kind: 'number' });
  for (const branch of ((s.anyOf ?? s.oneOf ?? []) as Schema[]).slice(0, 2))
    out.push(...fieldsOf(doc, branch, path, depth + 1));
  if (types.includes('array') && s.items)
    out.push(...fieldsOf(doc, s.items as Schema, [...path, 0], depth + 1));
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>))
    out.push(...fieldsOf(doc, v, [...path, k], depth + 1));
  return out;
}

/** `value` with the field at `path` set to `leaf` (arrays and objects made on the way). */
function setAt(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const base = (
    typeof head === 'number'
      ? [...(Array.isArray(value) ? value : [])]
      : { ...(typeof value === 'object' && value && !Array.isArray(value) ? value : {}) }
  ) as Record<string | number, unknown>;
  base[head] = setAt(base[head], rest, leaf);
  return base;
}

const label = (path: (string | number)[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');

/** The bad string sent. */
export const NUL = 'a\u0000b';
/** Stands for a number JSON cannot hold (`1e309` parses as Infinity), replaced in the text. */
const PLACEHOLDER = 987654321.125;

/**
 * One request per string path parameter, string or number query parameter
 * and string or number body field of every operation: NUL in strings, `1e309`
 * (Infinity) in numbers.
 */
export function badInputCases(doc: OpenApiDocument): BadRequestCase[] {
  const cases: BadRequestCase[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = op.parameters ?? [];
      const pathOf = (bad?: string) =>
        template.replace(/\{(\w+)\}/g, (_, name: string) =>
          encodeURIComponent(name === bad ? NUL : (PATH_SAMPLES[name] ?? 'x')),
        );
      const [mediaType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
      const form = mediaType === 'application/x-www-form-urlencoded';
      const encode = (v: unknown) =>
        form
          ? new URLSearchParams(
              Object.entries(v as Record<string, string>).map(([k, x]): [string, string] => [k, String(x)]),
            ).toString()
          : JSON.stringify(v);
      const base = media ? sample(doc, media.schema) : undefined;
      const withBody = (body: unknown) =>
        media ? { contentType: mediaType, body: typeof body === 'string' ? body : encode(body) } : {};
      const name = `${method.toUpperCase()} ${template}`;
      for (const p of params) {
        const type = typesOf(resolve(doc, p.schema));
        if (p.in === 'path') {
          cases.push({ label: `${name} path.${p.name}`, method, url: pathOf(p.name), ...withBody(base) });
        } else if (p.in === 'query' && (type.includes('string') || type.includes('integer'))) {
          const bad = type.includes('string') ? encodeURIComponent(NUL) : '1e309';
          const url = `${pathOf()}?${p.name}=${bad}`;
          cases.push({ label: `${name} query.${p.name}`, method, url, ...withBody(base) });
        }
      }
      if (!media) continue;
      for (const field of fieldsOf(doc, media.schema)) {
        if (field.path.length === 0) continue;
        const body =
          field.kind === 'string'
            ? encode(setAt(base, field.path, NUL))
            : form
              ? undefined
              : JSON.stringify(setAt(base, field.path, PLACEHOLDER)).replace(String(PLACEHOLDER), '1e309');
        if (body === undefined) continue;
        cases.push({
          label: `${name} ${label(field.path)}`,
          method,
          url: pathOf(),
          contentType: mediaType,
          body,
        });
      }
    }
  }
  return cases;
}
