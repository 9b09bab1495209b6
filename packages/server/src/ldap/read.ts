import { AndFilter, type Client, type Filter, FilterParser, GreaterThanEqualsFilter } from 'ldapts';
import { AppError } from '../shared/index.js';
import {
  type DirectoryGroup,
  type DirectoryUser,
  isUnusable,
  laterMark,
  type RawEntry,
  toDirectoryGroup,
  toDirectoryUser,
  toRawEntry,
  type Unusable,
} from './entry.js';
import { attributeNames, type LdapSource } from './source.js';

export interface ReadOptions {
  /** Incremental: only entries whose change attribute is at or after this GeneralizedTime. */
  since: string | null;
  /** Called after each page with the number of entries read so far. */
  onProgress?: (entries: number) => void;
  signal?: AbortSignal;
}

export interface DirectoryContents {
  users: DirectoryUser[];
  /** null when groups are not synced. */
  groups: DirectoryGroup[] | null;
  unusable: Unusable[];
  /** Latest change time among what was read (the next incremental run starts there). */
  mark: string | null;
}

const BINARY = new Set(['objectguid']);

const names = (...mappings: string[]) => [
  ...new Set(mappings.flatMap(attributeNames).filter((n) => n.toLowerCase() !== 'dn')),
];

/** The configured filter, narrowed to entries changed at or after `since` (built as objects, never spliced as text). */
function withSince(filter: string, source: LdapSource, since: string | null): Filter {
  const parsed = FilterParser.parseString(filter);
  const [changed] = attributeNames(source.attributes.changed);
  if (since === null || !changed) return parsed;
  return new AndFilter({
    filters: [parsed, new GreaterThanEqualsFilter({ attribute: changed, value: since })],
  });
}

/** A paged subtree search (RFC 2696) over every base DN, one page of raw entries at a time. */
async function* pagedSearch(
  client: Client,
  source: LdapSource,
  bases: string[],
  filter: Filter,
  attributes: string[],
  signal: AbortSignal | undefined,
): AsyncGenerator<RawEntry[]> {
  for (const base of bases) {
    const pages = client.searchPaginated(base, {
      scope: 'sub',
      filter,
      attributes,
      paged: { pageSize: source.pageSize },
      explicitBufferAttributes: attributes.filter((a) => BINARY.has(a.toLowerCase())),
    });
    for await (const page of pages) {
      if (signal?.aborted) throw new AppError('UNAVAILABLE', 'the sync was stopped (server shutting down)');
      yield page.searchEntries.map(toRawEntry);
    }
  }
}

/** Reads one more range of a ranged attribute: the entry as returned for `attribute;range=N-*`. */
export type RangeReader = (dn: string, attribute: string) => Promise<RawEntry | undefined>;

/**
 * Every value of a multi-valued attribute. Active Directory returns at most
 * 1,500 values of `member` at once, as `member;range=0-1499`; the rest come
 * from further reads of `member;range=1500-*` until a range ends in `*`.
 */
export async function allValues(
  entry: RawEntry,
  attribute: string,
  readRange: RangeReader,
): Promise<string[]> {
  const key = attribute.toLowerCase();
  const text = (v: string | Buffer) => (typeof v === 'string' ? v : v.toString('utf8'));
  const out = (entry.attrs.get(key) ?? []).map(text);
  let current: RawEntry | undefined = entry;
  for (let guard = 0; current && guard < 10_000; guard++) {
    const rangeKey: string | undefined = [...current.attrs.keys()].find((k) => k.startsWith(`${key};range=`));
    if (!rangeKey) break;
    out.push(...(current.attrs.get(rangeKey) ?? []).map(text));
    const end = /;range=\d+-(\d+|\*)$/.exec(rangeKey)?.[1];
    if (!end || end === '*') break;
    current = await readRange(entry.dn, `${attribute};range=${Number(end) + 1}-*`);
  }
  return out;
}

/**
 * Reads the source's users (and groups) with paged searches, incrementally
 * when `since` is given. Entries without a stable id are returned as unusable.
 */
export async function readDirectory(
  client: Client,
  source: LdapSource,
  options: ReadOptions,
): Promise<DirectoryContents> {
  const a = source.attributes;
  const out: DirectoryContents = {
    users: [],
    groups: source.syncGroups ? [] : null,
    unusable: [],
    mark: null,
  };
  let read = 0;
  const userAttributes = names(
    a.externalId,
    a.address,
    a.aliases,
    a.displayName,
    source.departments === 'attribute' ? a.department : '',
    a.disabled,
    a.changed,
  );
  const userFilter = withSince(source.userFilter, source, options.since);
  for await (const page of pagedSearch(
    client,
    source,
    source.userBaseDns,
    userFilter,
    userAttributes,
    options.signal,
  )) {
    for (const entry of page) {
      const user = toDirectoryUser(entry, source);
      if (isUnusable(user)) out.unusable.push(user);
      else {
        out.users.push(user);
        out.mark = laterMark(out.mark, user.changed);
      }
    }
    read += page.length;
    options.onProgress?.(read);
  }
  if (!out.groups) return out;

  const groupAttributes = names(a.externalId, a.groupName, a.groupAddress, a.groupMember, a.changed);
  const groupFilter = withSince(source.groupFilter, source, options.since);
  const readRange: RangeReader = async (dn, attribute) => {
    const r = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [attribute] });
    const e = r.searchEntries[0];
    return e ? toRawEntry(e) : undefined;
  };
  for await (const page of pagedSearch(
    client,
    source,
    source.groupBaseDns,
    groupFilter,
    groupAttributes,
    options.signal,
  )) {
    for (const entry of page) {
      const [member] = attributeNames(a.groupMember);
      const members = member ? await allValues(entry, member, readRange) : [];
      const group = toDirectoryGroup(entry, source, members);
      if (isUnusable(group)) out.unusable.push(group);
      else {
        out.groups.push(group);
        out.mark = laterMark(out.mark, group.changed);
      }
    }
    read += page.length;
    options.onProgress?.(read);
  }
  return out;
}
