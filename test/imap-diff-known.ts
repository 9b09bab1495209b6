import { dropMask, type Mask, replaceMask } from './harness/imap-diff-masks.js';

// The known differences between jdmail and Dovecot in the sessions of imap-diff-scripts.ts.
// ---------------------------------------------------------------------------------------------
// What may differ. Side `a` is jdmail, `b` Dovecot 2.3. Every mask says why the difference is
// allowed; a difference with no mask fails the test. Differences where Dovecot was right were
// fixed in jdmail instead (LSUB "*" parents, "*" in an empty mailbox, RECENT after expunges).

/** `FLAGS (…)` and `PERMANENTFLAGS (…)` with their flags sorted. */
function sortFlagLists(text: string): string {
  return text.replace(/\b(FLAGS|PERMANENTFLAGS) \(([^()]*)\)/g, (_all, name: string, list: string) => {
    const flags = list.split(' ').filter(Boolean).sort();
    return `${name} (${flags.join(' ')})`;
  });
}

/** The end of the value starting at `i` (a parenthesized list, a quoted string or an atom). */
function valueEnd(s: string, i: number): number {
  if (s[i] === '"') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === '"') return j + 1;
    }
    return -1;
  }
  if (s[i] !== '(') {
    const sp = s.indexOf(' ', i);
    return sp < 0 ? s.length : sp;
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '"') {
      j = valueEnd(s, j) - 1;
      if (j < 0) return -1;
    } else if (s[j] === '(') depth++;
    else if (s[j] === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** A FETCH response's items in a fixed order (no literal inside), or FLAGS moved first (literals). */
function sortFetchItems(text: string): string {
  const m = /^(\* \d+ FETCH \()(.*)\)$/s.exec(text);
  if (!m) return text;
  const [, head, body] = m as unknown as [string, string, string];
  if (body.includes('{')) {
    const flags = /^(.*) (FLAGS \([^()]*\))$/s.exec(body);
    return flags ? `${head}${flags[2]} ${flags[1]})` : text;
  }
  const items: string[] = [];
  for (let i = 0; i < body.length; ) {
    let j = i;
    while (j < body.length && body[j] !== ' ') j = body[j] === '[' ? body.indexOf(']', j) + 1 : j + 1;
    const end = valueEnd(body, j + 1);
    if (end < 0) return text;
    items.push(body.slice(i, end));
    i = end + 1;
  }
  return `${head}${items.sort().join(' ')})`;
}

/** `* STATUS name (K v …)` with its items sorted. */
function sortStatusItems(text: string): string {
  return text.replace(/^(\* STATUS .* \()([^()]*)\)$/, (_all, head: string, items: string) => {
    const words = items.split(' ');
    const pairs: string[] = [];
    for (let i = 0; i < words.length; i += 2) pairs.push(`${words[i]} ${words[i + 1]}`);
    return `${head}${pairs.sort().join(' ')})`;
  });
}

const BODY_TOKENS =
  /"(text|plain|html|multipart|mixed|alternative|application|pdf|message|rfc822|charset|name\*?|filename\*?|boundary|attachment|inline|7bit|8bit|base64|quoted-printable)"/gi;

/** Masks for every script. */
const COMMON: Mask[] = [
  replaceMask(
    'an untagged FETCH may carry more items than asked (RFC 9051 §7.5.2): jdmail adds UID to the FETCH a STORE answers with, Dovecot only under QRESYNC (where RFC 7162 §3.2.4 requires it, and jdmail has it)',
    /^(\* \d+ FETCH \(.*?)UID \d+ ?/,
    '$1',
    { command: /^(STORE |IDLE)/ },
  ),
  { why: 'a flag list is a set: its order is free (RFC 9051 §7.2.6, §7.5.2)', apply: sortFlagLists },
  {
    why: 'a mailbox name is an astring: quoted or an atom alike (RFC 9051 §4.3, §9)',
    apply: (l) =>
      l.replace(/^(\* (?:LIST|LSUB) \([^)]*\) "\/" |\* STATUS |\* QUOTAROOT )"([^"\\ (){%*\]]+)"/, '$1$2'),
  },
  { why: 'the order of STATUS items is free (RFC 9051 §7.2.4)', apply: sortStatusItems },
  { why: 'the order of FETCH items is free (RFC 9051 §7.5.2)', apply: sortFetchItems },
  replaceMask(
    'body types, subtypes, parameter names and encodings are case-insensitive (RFC 9051 §7.5.2 BODYSTRUCTURE): jdmail upper-cases them as RFC 3501 examples do, Dovecot keeps the message case',
    BODY_TOKENS,
    '"<$1>"',
  ),
  {
    why: 'body tokens (see above): compared case-insensitively',
    apply: (l) => l.replace(/"<([^">]+)>"/g, (_a, t: string) => `"${t.toUpperCase()}"`),
  },
  replaceMask(
    'BINARY data without NUL may be a string or a literal8 (RFC 9051 §7.5.2 BINARY[]: "SHOULD" use a string); Dovecot sends literal8 for a partial BINARY[] of the whole message',
    /~\{(\d+)\}/g,
    '{$1}',
    { command: /BINARY/ },
  ),
  replaceMask(
    'response codes are optional (RFC 9051 §7.1): each server names the reason (NONEXISTENT, CANNOT, ALREADYEXISTS, CLIENTBUG) in its own set of answers',
    /^(<tag> (?:NO|OK)) \[(NONEXISTENT|CANNOT|ALREADYEXISTS|CLIENTBUG)\]$/,
    '$1',
  ),
  replaceMask(
    'BADCHARSET may list the supported charsets or not (RFC 9051 §7.1)',
    /\[BADCHARSET \([^)]*\)\]/,
    '[BADCHARSET]',
  ),
  dropMask(
    'ENABLE of nothing known: an empty ENABLED response or none (RFC 5161 §3.2 allows "ENABLED" with no capability)',
    /^\* ENABLED$/,
    { side: 'a' },
  ),
  {
    why: 'LIST attributes not asked for: child info and special-use may be left out when the command selects or returns other things (RFC 5258 §4, RFC 6154 §2); Dovecot leaves them out, jdmail always sends them',
    command: /^LIST (\(|.*RETURN \((?!.*CHILDREN))/,
    apply: (l) =>
      l.replace(/^(\* LIST \()([^)]*)\)/, (_a, head: string, attrs: string) => {
        const kept = attrs.split(' ').filter((x) => x && !/^\\Has(No)?Children$/.test(x));
        return `${head}${kept.join(' ')})`;
      }),
  },
  {
    why: 'LIST with selection or return options that do not ask for SPECIAL-USE need not return special-use attributes (RFC 6154 §2); Dovecot leaves them out there, jdmail always sends them',
    command: /^LIST (\((?!SPECIAL-USE)|.*RETURN \((?!.*SPECIAL-USE))/,
    apply: (l) =>
      l.replace(/^(\* LIST \()([^)]*)\)/, (_a, head: string, attrs: string) => {
        const kept = attrs.split(' ').filter((x) => x && !/^\\(Sent|Drafts|Junk|Trash)$/.test(x));
        return `${head}${kept.join(' ')})`;
      }),
  },
  replaceMask(
    'LSUB need not return special-use attributes (RFC 6154 defines them for LIST); Dovecot adds them',
    /^(\* LSUB \()\\(?:Sent|Drafts|Junk|Trash)\)/,
    '$1)',
    { side: 'b' },
  ),
  dropMask(
    'configuration, not protocol: jdmail subscribes INBOX with the default folders; the Dovecot peer subscribes only its auto=subscribe folders',
    /^\* (LSUB \(\) "\/" INBOX|LIST \([^)]*\\Subscribed\) "\/" INBOX)$/,
    { side: 'a' },
  ),
];

/** HIGHESTMODSEQ in SELECT/EXAMINE when CONDSTORE was never enabled (all scripts but condstore). */
const SELECT_MODSEQ = dropMask(
  'jdmail sends HIGHESTMODSEQ in every SELECT/EXAMINE, Dovecot once CONDSTORE is enabled (RFC 7162 §3.1.2.1 requires it then; before, a client ignores a response code it does not use, RFC 9051 §7.1)',
  /^\* OK \[HIGHESTMODSEQ <modseq>\]$/,
  { side: 'a', command: /^(SELECT|EXAMINE) / },
);

/** Commands whose untagged answers may come in any order. */
export const UNORDERED = /^(SELECT|EXAMINE|LIST|LSUB) /;

export const MASKS: Record<string, Mask[]> = {
  fetch: [
    ...COMMON,
    SELECT_MODSEQ,
    replaceMask(
      'Dovecot is wrong: the CRLF before "--outer" belongs to that boundary (RFC 2046 §5.1.1), so part 1 (a nested multipart) ends at "--alt--"; Dovecot counts the CRLF into BODY[1]',
      /BODY\[1\] \{298\}(\r\n[\s\S]*--alt--)\r\n( BODY\[1\.1\])/,
      'BODY[1] {296}$1$2',
      { side: 'b', command: /BODY\.PEEK\[1\]/ },
    ),
  ],
  search: [...COMMON, SELECT_MODSEQ],
  store: [...COMMON, SELECT_MODSEQ],
  condstore: [
    ...COMMON,
    replaceMask(
      'each server counts its own mod-sequences (masked as in harness/imap-diff.ts, here in SEARCH and ESEARCH)',
      /(\(MODSEQ|\bMODSEQ) \d+/g,
      '$1 <modseq>',
      { command: /SEARCH/ },
    ),
    replaceMask(
      'FLAGS names the keywords of the mailbox: jdmail those in use, Dovecot every one ever used there ($Forwarded left with an expunged message); RFC 9051 §7.3.5 allows both',
      /\$Forwarded ?/g,
      '',
      { command: /^SELECT / },
    ),
    replaceMask(
      'enabling QRESYNC enables CONDSTORE too (RFC 7162 §3.2.3): jdmail says so in ENABLED, Dovecot names only what was asked',
      /^\* ENABLED CONDSTORE QRESYNC$/,
      '* ENABLED QRESYNC',
      { side: 'a' },
    ),
    replaceMask(
      'HIGHESTMODSEQ in the tagged OK of EXPUNGE: jdmail once CONDSTORE is enabled (RFC 7162 §3.1.12), Dovecot only under QRESYNC; the code only saves the client a STATUS',
      /^<tag> OK \[HIGHESTMODSEQ <modseq>\]$/,
      '<tag> OK',
      { command: /EXPUNGE|^NOOP/ },
    ),
    dropMask(
      'a STORE that changes nothing: jdmail still answers the (unchanged) flags and modseq, Dovecot stays silent (RFC 9051 §6.4.6 "SHOULD" send the flags; either is fine)',
      /^\* 1 FETCH \(FLAGS \([^)]*\) MODSEQ \(<modseq>\)\)$/,
      { side: 'a', command: /^STORE 1 \+FLAGS \(\\Seen\)$/ },
    ),
  ],
  mailboxes: [
    ...COMMON,
    SELECT_MODSEQ,
    replaceMask(
      'deliberate (README "## IMAP"): CREATE Work/Reports makes Work a real folder in jdmail, never a \\Noselect placeholder (Outlook mishandles them); Dovecot lists Work \\Noselect/\\NonExistent',
      /^(\* LIST \()\\(?:Noselect|NonExistent) ?([^)]*\) "\/" Work)$/,
      '$1$2',
      { side: 'b' },
    ),
    dropMask(
      'the same: jdmail has a STATUS for the real folder Work, Dovecot none for a placeholder',
      /^\* STATUS Work /,
      {
        side: 'a',
      },
    ),
    replaceMask(
      'quota roots are named by the server (RFC 9208 §4.2)',
      /^\* QUOTAROOT INBOX .*$/,
      '* QUOTAROOT INBOX <root>',
    ),
    replaceMask(
      'the same root name, and the limit is configuration; the usage is compared',
      /^\* QUOTA (?:"[^"]*"|\S+) \(STORAGE (\d+) \d+\)$/,
      '* QUOTA <root> (STORAGE $1 <limit>)',
    ),
  ],
  idle: [
    ...COMMON,
    SELECT_MODSEQ,
    replaceMask(
      'which of two sessions sees an APPENDed message first is a race, and either may have it \\Recent (RFC 3501 §2.3.2): Dovecot gives it to the appending session, jdmail to the idling one',
      / ?\\Recent/g,
      '',
    ),
    dropMask('the same race: the RECENT counts', /^\* \d+ RECENT$/),
  ],
  errors: [...COMMON, SELECT_MODSEQ],
};
