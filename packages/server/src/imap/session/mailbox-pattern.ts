import { MAILBOX_DELIMITER } from '../../store/index.js';

/**
 * A LIST/LSUB pattern (RFC 9051 §6.3.9): the reference and the pattern
 * joined, `*` matching anything and `%` anything but the delimiter. Names
 * compare case-sensitively, except that INBOX matches in any case (§5.1).
 */
export function mailboxMatcher(reference: string, pattern: string): (name: string) => boolean {
  const full = joinReference(reference, pattern);
  const regex = toRegex(full);
  const inboxRegex = /^inbox/i.test(full) ? toRegex(`INBOX${full.slice(5)}`) : null;
  return (name) => regex.test(name) || inboxRegex?.test(name) === true;
}

/** RFC 9051 §6.3.9: the reference is prepended unless the pattern starts at the root. */
function joinReference(reference: string, pattern: string): string {
  if (reference === '' || pattern.startsWith(MAILBOX_DELIMITER)) return pattern;
  return reference + pattern;
}

function toRegex(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '%') source += '[^/]*';
    else source += ch.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** The parent names of `name` (`a/b/c` → `a`, `a/b`). */
export function parentsOf(name: string): string[] {
  const parts = name.split(MAILBOX_DELIMITER);
  const parents: string[] = [];
  for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join(MAILBOX_DELIMITER));
  return parents;
}
