import { domainToASCII } from 'node:url';

/** What needs IDNA processing: anything but printable ASCII, or an A-label to check and fold. */
const IDNA = /[^ -~]|xn--/;
/** RFC 5322 §3.2.3 atext, the characters of a dot-atom. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** RFC 5321 §4.1.2 Quoted-string: quoted pairs and characters other than `"` and `\`. */
const QUOTED = /^"((?:[^"\\]|\\.)*)"$/;

/**
 * The canonical form of a domain name: trimmed, lower-case, without a final
 * dot, and internationalized names as A-labels (UTS #46, as browsers do):
 * `例子。中国` and `XN--FSQU00A.xn--fiqs8s` both become `xn--fsqu00a.xn--fiqs8s`.
 * smtp-server hands RCPT domains over as U-labels, an API caller may send
 * either form: one canonical form lets every lookup match. A name IDNA
 * refuses is returned lower-cased, for validation to refuse by name.
 */
export function normalizeDomain(name: string): string {
  let d = name.trim().toLowerCase();
  if (IDNA.test(d)) d = domainToASCII(d) || d;
  return d.endsWith('.') ? d.slice(0, -1) : d;
}

/**
 * Whether the A-labels of a canonical name decode (`xn--zz` has the shape of
 * a label but is none): IDNA gives a valid one back unchanged.
 */
export function aLabelsValid(canonical: string): boolean {
  return !canonical.includes('xn--') || domainToASCII(canonical) === canonical;
}

/**
 * The canonical form of an e-mail address, the key it is stored and looked
 * up by: trimmed, lower-case, the domain as `normalizeDomain` gives it, and a
 * quoted local part that needs no quotes unquoted (`"alice"@x` is `alice@x`,
 * RFC 5321 §4.1.2). A string without `@` is only trimmed and lower-cased.
 */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  const at = a.lastIndexOf('@');
  if (at < 0) return a.toLowerCase();
  let local = a.slice(0, at);
  const quoted = local.charCodeAt(0) === 34 ? QUOTED.exec(local) : null;
  if (quoted) {
    const inner = (quoted[1] as string).replace(/\\(.)/g, '$1');
    if (DOT_ATOM.test(inner)) local = inner;
  }
  return `${local.toLowerCase()}@${normalizeDomain(a.slice(at + 1))}`;
}

/** Splits `local@domain`; returns undefined when the address has no domain part. */
export function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}
