/** A parsed SCIM filter (RFC 7644 §3.4.2.2). Paths are catalogue keys (see catalog.ts), split into segments. */
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'present'; path: string[] }
  | { kind: 'compare'; path: string[]; op: CompareOp; value: FilterValue }
  /** `emails[type eq "work" and value co "@x"]`: one element of a multi-valued attribute matches all of `filter`. */
  | { kind: 'valuePath'; path: string[]; filter: FilterNode };

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';
export type FilterValue = string | number | boolean | null;

export const COMPARE_OPS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'lt',
  'ge',
  'le',
]);
