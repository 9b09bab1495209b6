import type { Entry } from 'ldapts';
import { normalizeDn, rdnsBelow } from './dn.js';
import { type AttributeMap, attributeNames, type LdapSource } from './source.js';
import { guidToString, parseGeneralizedTime } from './values.js';

/** A search result entry with attribute names lower-cased and every value a list. */
export interface RawEntry {
  dn: string;
  attrs: Map<string, (string | Buffer)[]>;
}

/** A user as the directory describes them, mapped through the source's attributes. */
export interface DirectoryUser {
  dn: string;
  externalId: string;
  /** As written in the directory; checked and made canonical by the plan. */
  address: string | null;
  aliases: string[];
  displayName: string;
  /** Department path, top first (OU tree or attribute); empty = none. */
  department: string[];
  disabled: boolean;
  /** The change-time attribute as written, for the incremental mark. */
  changed: string | null;
}

export interface DirectoryGroup {
  dn: string;
  externalId: string;
  name: string;
  address: string | null;
  memberDns: string[];
  changed: string | null;
}

/** An entry the sync cannot use, and why. */
export interface Unusable {
  dn: string;
  reason: string;
}

/** AD userAccountControl: ACCOUNTDISABLE ([MS-ADTS] §2.2.16). */
const UAC_ACCOUNTDISABLE = 0x2;

export function toRawEntry(entry: Entry): RawEntry {
  const attrs = new Map<string, (string | Buffer)[]>();
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn') continue;
    const list = Array.isArray(value) ? value : [value];
    if (list.length) attrs.set(key.toLowerCase(), list);
  }
  return { dn: entry.dn, attrs };
}

/** Values of the first attribute in `mapping` (`a,b` fallbacks) that the entry has. */
export function values(entry: RawEntry, mapping: string): (string | Buffer)[] {
  for (const name of attributeNames(mapping)) {
    const v = entry.attrs.get(name.toLowerCase());
    if (v?.length) return v;
  }
  return [];
}

const text = (v: string | Buffer | undefined): string | null =>
  v === undefined ? null : typeof v === 'string' ? v : v.toString('utf8');

function firstText(entry: RawEntry, mapping: string): string | null {
  const t = text(values(entry, mapping)[0])?.trim();
  return t ? t : null;
}

/** The entry's stable id: an attribute (objectGUID as a GUID string) or its DN (`dn`). */
export function externalIdOf(entry: RawEntry, attributes: AttributeMap): string | null {
  if (attributes.externalId.toLowerCase() === 'dn') return normalizeDn(entry.dn);
  const v = values(entry, attributes.externalId)[0];
  if (v === undefined) return null;
  if (Buffer.isBuffer(v)) return v.length ? guidToString(v) : null;
  return v.trim() || null;
}

/** `smtp:a@b` (AD proxyAddresses) → `a@b`; other typed values (`x500:`, `sip:`) are not mail addresses. */
function aliasValue(v: string): string | null {
  const typed = /^([a-z0-9]+):(.*)$/i.exec(v);
  if (!typed) return v.trim();
  return (typed[1] as string).toLowerCase() === 'smtp' ? (typed[2] as string).trim() : null;
}

function isDisabled(entry: RawEntry, mapping: string): boolean {
  if (!mapping) return false;
  const [name] = attributeNames(mapping);
  const raw = firstText(entry, mapping);
  if (raw === null) return false;
  if (name?.toLowerCase() === 'useraccountcontrol') return (Number(raw) & UAC_ACCOUNTDISABLE) !== 0;
  // Any other attribute disables by being there (pwdAccountLockedTime, nsAccountLock=TRUE …).
  return !/^(false|0|no)$/i.test(raw);
}

function departmentOf(entry: RawEntry, source: LdapSource): string[] {
  if (source.departments === 'none') return [];
  if (source.departments === 'attribute') {
    const d = firstText(entry, source.attributes.department);
    return d ? [d] : [];
  }
  for (const base of source.userBaseDns) {
    const below = rdnsBelow(entry.dn, base);
    // Only organizational units count: AD containers (CN=Users) and the entry's own RDN do not.
    if (below)
      return below
        .slice(0, -1)
        .filter((rdn) => rdn.length === 1 && rdn[0]?.type.toLowerCase() === 'ou')
        .map((rdn) => rdn[0]?.value.trim() ?? '')
        .filter(Boolean);
  }
  return [];
}

/** Maps a user entry through the source's attributes; Unusable when it has no stable id. */
export function toDirectoryUser(entry: RawEntry, source: LdapSource): DirectoryUser | Unusable {
  const a = source.attributes;
  const externalId = externalIdOf(entry, a);
  if (!externalId) return { dn: entry.dn, reason: `the entry has no ${a.externalId}` };
  const address = firstText(entry, a.address);
  const aliases = a.aliases
    ? values(entry, a.aliases)
        .map((v) => aliasValue(text(v) ?? ''))
        .filter((v): v is string => !!v)
    : [];
  return {
    dn: entry.dn,
    externalId,
    address,
    aliases,
    displayName: firstText(entry, a.displayName) ?? '',
    department: departmentOf(entry, source),
    disabled: isDisabled(entry, a.disabled),
    changed: a.changed ? firstText(entry, a.changed) : null,
  };
}

export function toDirectoryGroup(
  entry: RawEntry,
  source: LdapSource,
  memberDns: string[],
): DirectoryGroup | Unusable {
  const a = source.attributes;
  const externalId = externalIdOf(entry, a);
  if (!externalId) return { dn: entry.dn, reason: `the group has no ${a.externalId}` };
  return {
    dn: entry.dn,
    externalId,
    name: firstText(entry, a.groupName) ?? entry.dn,
    address: firstText(entry, a.groupAddress),
    memberDns,
    changed: a.changed ? firstText(entry, a.changed) : null,
  };
}

/** The later of two change marks (GeneralizedTime); unparsable ones lose. */
export function laterMark(a: string | null, b: string | null): string | null {
  const ta = a === null ? null : parseGeneralizedTime(a);
  const tb = b === null ? null : parseGeneralizedTime(b);
  if (tb === null) return ta === null ? null : a;
  if (ta === null) return b;
  return tb > ta ? b : a;
}

export const isUnusable = (x: object): x is Unusable => 'reason' in x;
