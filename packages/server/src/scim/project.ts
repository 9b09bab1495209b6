import { type Catalog, resolvePath } from './catalog.js';
import { segments } from './filter/parse.js';

type Json = Record<string, unknown>;

/** Always returned, whatever `attributes` says (RFC 7643 §3.1 `id`; `schemas` says what the object is). */
const ALWAYS = new Set(['id', 'schemas']);

/** `a,b.c` → catalogue keys split into segments; names jdmail does not serve are left out. */
function parseList(list: string | undefined, catalog: Catalog): string[][] {
  if (!list) return [];
  return list
    .split(',')
    .map((a) => resolvePath(catalog, a.trim()))
    .filter((k): k is string => k !== null)
    .map((k) => segments(catalog, k));
}

/** Nothing left to show: absent, `{}`, or a list of `{}` (RFC 7643 §2.5: unassigned attributes are left out). */
const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  (Array.isArray(v) ? v.every(isEmpty) : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

const keyOf = (obj: Json, lower: string) => Object.keys(obj).find((k) => k.toLowerCase() === lower);

/** Keeps only the sub-attributes `subs` of a complex value or of each element of a multi-valued one. */
function pick(value: unknown, subs: Set<string>): unknown {
  const one = (v: unknown) =>
    v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).filter(([k]) => subs.has(k.toLowerCase())))
      : v;
  return Array.isArray(value) ? value.map(one) : one(value);
}

function drop(value: unknown, subs: Set<string>): unknown {
  const one = (v: unknown) =>
    v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).filter(([k]) => !subs.has(k.toLowerCase())))
      : v;
  return Array.isArray(value) ? value.map(one) : one(value);
}

/**
 * RFC 7644 §3.4.2.5 / §3.9: with `attributes`, only those (and `id`,
 * `schemas`); with `excludedAttributes`, all but those. A path may name a
 * sub-attribute (`name.givenName`, `emails.value`).
 */
export function project(resource: Json, catalog: Catalog, attributes?: string, excluded?: string): Json {
  const wanted = parseList(attributes, catalog);
  if (attributes) {
    const out: Json = {};
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      if (ALWAYS.has(lower) || wanted.some((p) => p.length === 1 && p[0] === lower)) out[key] = value;
      else {
        const subs = new Set(wanted.filter((p) => p[0] === lower && p.length > 1).map((p) => p[1] as string));
        const picked = subs.size ? pick(value, subs) : undefined;
        if (!isEmpty(picked)) out[key] = picked;
      }
    }
    return out;
  }
  const out: Json = { ...resource };
  for (const path of parseList(excluded, catalog)) {
    const key = keyOf(out, path[0] as string);
    if (!key || ALWAYS.has(key.toLowerCase())) continue;
    if (path.length === 1) delete out[key];
    else out[key] = drop(out[key], new Set([path[1] as string]));
  }
  return out;
}
