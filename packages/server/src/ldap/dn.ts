/**
 * Distinguished names as strings (RFC 4514). ldapts builds DNs but does not
 * parse them, and jdmail must: to find the OU path of an entry below its base
 * DN, to compare DNs from different attributes (`member` against an entry's
 * own DN), and to keep a DN as an id.
 */

/** One `type=value` of an RDN. */
export interface Ava {
  type: string;
  value: string;
}

/** A DN as its RDNs, leaf first (as written); each RDN is one or more AVAs (`a=1+b=2`). */
export type ParsedDn = Ava[][];

const SPECIAL = new Set(['"', '+', ',', ';', '<', '>', '\\']);

/**
 * Escapes an attribute value for use in a DN string (RFC 4514 §2.4): the
 * special characters, a leading space or `#`, a trailing space and NUL.
 */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\0') out += '\\00';
    else if (SPECIAL.has(c)) out += `\\${c}`;
    else if ((i === 0 && (c === ' ' || c === '#')) || (i === value.length - 1 && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

const HEX = /^[0-9a-fA-F]{2}$/;

class DnSyntaxError extends Error {
  constructor(dn: string, why: string) {
    super(`invalid DN "${dn}": ${why}`);
    this.name = 'DnSyntaxError';
  }
}

/** Reads one attribute value from `dn` at `start`; returns it and where it ended (at `,`, `+` or the end). */
function readValue(dn: string, start: number): { value: string; end: number } {
  let i = start;
  if (dn[i] === '#') {
    // hexstring (RFC 4514 §2.4): the BER encoding; kept as written.
    const m = /^#[0-9a-fA-F]+/.exec(dn.slice(i));
    if (!m) throw new DnSyntaxError(dn, 'bad hex value');
    i += m[0].length;
    return { value: m[0], end: i };
  }
  const bytes: number[] = [];
  const push = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  let trailingSpaces = 0;
  while (i < dn.length) {
    const c = dn[i] as string;
    if (c === ',' || c === '+' || c === ';') break;
    if (c === '\\') {
      const pair = dn.slice(i + 1, i + 3);
      if (HEX.test(pair)) {
        bytes.push(Number.parseInt(pair, 16));
        i += 3;
      } else if (i + 1 < dn.length) {
        push(dn[i + 1] as string);
        i += 2;
      } else throw new DnSyntaxError(dn, 'dangling escape');
      trailingSpaces = 0;
      continue;
    }
    if (c === '"') throw new DnSyntaxError(dn, 'unescaped quote');
    push(c);
    trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
    i++;
  }
  // Unescaped trailing spaces are not part of the value (lenient, as servers write "a=b , c=d").
  const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
  return { value, end: i };
}

/** Parses a DN string; throws on a malformed one. The empty string is the root DN (no RDNs). */
export function parseDn(dn: string): ParsedDn {
  const rdns: ParsedDn = [];
  if (dn.trim() === '') return rdns;
  let i = 0;
  let rdn: Ava[] = [];
  for (;;) {
    while (dn[i] === ' ') i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new DnSyntaxError(dn, 'missing "="');
    const type = dn.slice(i, eq).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)*)$/.test(type))
      throw new DnSyntaxError(dn, `bad attribute type "${type}"`);
    i = eq + 1;
    while (dn[i] === ' ') i++;
    const { value, end } = readValue(dn, i);
    rdn.push({ type, value });
    i = end;
    if (i >= dn.length) break;
    const sep = dn[i];
    i++;
    if (sep === '+') continue;
    rdns.push(rdn);
    rdn = [];
  }
  rdns.push(rdn);
  return rdns;
}

/** Writes a parsed DN back in RFC 4514 form. */
export function formatDn(dn: ParsedDn): string {
  return dn.map((rdn) => rdn.map((a) => `${a.type}=${escapeDnValue(a.value)}`).join('+')).join(',');
}

/**
 * A comparable form: types and values lower-cased (the naming attributes
 * jdmail meets — cn, ou, dc, uid — match case-insensitively), multi-valued
 * RDNs sorted, escapes made canonical. Unparsable input is only lower-cased.
 */
export function normalizeDn(dn: string): string {
  try {
    return formatDn(
      parseDn(dn).map((rdn) =>
        rdn
          .map((a) => ({ type: a.type.toLowerCase(), value: a.value.toLowerCase() }))
          .sort((x, y) => (x.type < y.type ? -1 : x.type > y.type ? 1 : 0)),
      ),
    );
  } catch {
    return dn.trim().toLowerCase();
  }
}

/**
 * The RDNs of `dn` below `base`, top first (`ou=B,ou=A,<base>` → `[ou=A, ou=B]`,
 * the entry's own RDN included); null when `dn` is not under `base`.
 */
export function rdnsBelow(dn: string, base: string): ParsedDn | null {
  let entry: ParsedDn;
  let root: ParsedDn;
  try {
    entry = parseDn(dn);
    root = parseDn(base);
  } catch {
    return null;
  }
  if (root.length > entry.length) return null;
  const tail = entry.slice(entry.length - root.length);
  if (normalizeDn(formatDn(tail)) !== normalizeDn(formatDn(root))) return null;
  return entry.slice(0, entry.length - root.length).reverse();
}
