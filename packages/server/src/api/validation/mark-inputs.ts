import type { InputRule } from './input-rules.js';

/** The ajv keyword `markInputs` adds; its value is an {@link InputRule}. */
export const INPUT_KEYWORD = 'jdmailInput';

type Schema = Record<string, unknown>;

// The keywords whose values are schemas (JSON Schema 2020-12 and draft 7), by shape.
const ONE_SCHEMA = new Set([
  'additionalProperties',
  'items',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A string schema that declares what its content is (`contentMediaType`:
 * `text/plain`, `text/html`, an XML document; or `contentEncoding`) holds
 * multi-line text; any other string is a single line.
 */
const isMultiline = (s: Schema) => s.contentMediaType !== undefined || s.contentEncoding !== undefined;

/**
 * A copy of `schema` with the input keyword on every string and number
 * schema in it (the original stays as it is: it is also the OpenAPI
 * document's). `part` is fastify's httpPart: only a body may hold multi-line text.
 */
export function markInputs(schema: unknown, part: string | undefined): unknown {
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && isSchema(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, markInputs(v, part)]));
    } else if (ONE_SCHEMA.has(key) || SCHEMA_LISTS.has(key)) {
      out[key] = Array.isArray(value) ? value.map((v) => markInputs(v, part)) : markInputs(value, part);
    } else {
      out[key] = value; // enum, const, default, examples …: values, not schemas
    }
  }
  const rule = ruleOf(schema, part);
  if (rule) out[INPUT_KEYWORD] = rule;
  return out;
}

function ruleOf(schema: Schema, part: string | undefined): InputRule | null {
  const types = [schema.type].flat();
  if (types.includes('string')) return part === 'body' && isMultiline(schema) ? 'text' : 'line';
  if (types.includes('number') || types.includes('integer')) return 'number';
  return null;
}
