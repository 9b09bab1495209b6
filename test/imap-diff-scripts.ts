import type { DiffStep } from './harness/imap-diff.js';
import { dropMask, type Mask, replaceMask } from './harness/imap-diff-masks.js';
import { MESSAGES } from './harness/imap-diff-messages.js';
import { literal } from './harness/imap-wire.js';
import { encodeMutf7 } from './harness/mutf7.js';

// The scripted sessions of imap-diff.test.ts, and what may differ between jdmail and Dovecot in
// their transcripts (MASKS), with the reason each difference is allowed.

const PROJECT = encodeMutf7('项目');

/** LOGIN and the message set appended to INBOX with its flags and dates. */
const LOAD: DiffStep[] = [
  'LOGIN "$USER" "$PASS"',
  ...MESSAGES.map((m): DiffStep => [`APPEND INBOX ${m.flags} "${m.date}" `, literal(m.raw)]),
];

export const SCRIPTS: Record<string, DiffStep[]> = {
  fetch: [
    ...LOAD,
    'EXAMINE INBOX',
    'FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)',
    'FETCH 1:* BODYSTRUCTURE',
    'FETCH 1:* BODY',
    'FETCH 2 (BODY.PEEK[1] BODY.PEEK[1.1] BODY.PEEK[1.2.MIME] BODY.PEEK[2.MIME] BODY.PEEK[3.HEADER])',
    'FETCH 2 (BODY.PEEK[3.TEXT] BODY.PEEK[3] BODY.PEEK[3.1] BODY.PEEK[2])',
    'FETCH 1:5 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM DATE)])',
    'FETCH 1:5 (BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT FROM DATE TO MESSAGE-ID MIME-VERSION)])',
    'FETCH 1 (BODY.PEEK[]<0.20> BODY.PEEK[TEXT]<5.10> BODY.PEEK[]<100000.10>)',
    'FETCH 3 (BINARY.PEEK[1] BINARY.SIZE[1] BINARY.PEEK[]<0.30>)',
    'FETCH 2 (BINARY.PEEK[1.1] BINARY.PEEK[1.2] BINARY.PEEK[2] BINARY.SIZE[2] BINARY.PEEK[2]<4.10>)',
    'FETCH 5 (BINARY.PEEK[1] BINARY.SIZE[1])',
    'FETCH 4 (RFC822.HEADER RFC822.TEXT)',
    'FETCH 1:5 (FLAGS)',
    'FETCH 1:* FAST',
    'FETCH 1:* ALL',
    'FETCH 2 FULL',
    'FETCH 3 BODY[TEXT]',
    'SELECT INBOX',
    'FETCH 3 BODY[TEXT]',
    'FETCH 5 RFC822',
    'FETCH 1:* FLAGS',
    'UID FETCH 2:4 (FLAGS)',
    'UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])',
    'FETCH 2 (BODY.PEEK[5] BODY.PEEK[1.9])',
    'LOGOUT',
  ],
  search: [
    ...LOAD,
    'SELECT INBOX',
    'SEARCH ALL',
    'SEARCH SEEN',
    'SEARCH UNSEEN',
    'SEARCH ANSWERED FLAGGED',
    'SEARCH OR FLAGGED ANSWERED',
    'SEARCH NOT SEEN',
    'SEARCH KEYWORD $Junk',
    'SEARCH UNKEYWORD $Forwarded',
    'SEARCH FROM carol',
    'SEARCH TO ana@example.test',
    'SEARCH CC carol',
    'SEARCH SUBJECT minutes',
    'SEARCH HEADER Message-ID <reply@example.test>',
    'SEARCH HEADER X-Priority ""',
    'SEARCH BODY "looks good"',
    'SEARCH TEXT minutes',
    'SEARCH LARGER 1000',
    'SEARCH SMALLER 500',
    'SEARCH SENTBEFORE 7-Jan-2026',
    'SEARCH SENTON 6-Jan-2026',
    'SEARCH SENTSINCE 8-Jan-2026',
    'SEARCH BEFORE 8-Jan-2026',
    'SEARCH ON 9-Jan-2026',
    'SEARCH SINCE 9-Jan-2026',
    'SEARCH 2:4 NOT 3',
    'SEARCH UID 1,3:*',
    'UID SEARCH 1:2',
    'SEARCH NEW',
    'SEARCH OLD',
    'SEARCH RECENT',
    'SEARCH DELETED',
    'SEARCH UNDRAFT',
    ['SEARCH CHARSET UTF-8 SUBJECT ', literal('季度')],
    ['SEARCH CHARSET UTF-8 FROM ', literal('李娜')],
    ['SEARCH CHARSET UTF-8 BODY ', literal('第三季度')],
    ['SEARCH CHARSET UTF-8 BODY ', literal('预算已经批准')],
    ['SEARCH CHARSET UTF-8 TEXT ', literal('会议纪要')],
    ['SEARCH CHARSET UTF-8 BODY ', literal('年会')],
    'SEARCH CHARSET KOI8-Q ALL',
    'SEARCH (OR SEEN FLAGGED) (NOT ANSWERED)',
    'SEARCH RETURN (MIN MAX COUNT) ALL',
    'SEARCH RETURN (ALL) OR SEEN FLAGGED',
    'UID SEARCH RETURN () UNSEEN',
    'SEARCH RETURN (COUNT) NOTHING',
    'SEARCH NOTAKEY',
    'SEARCH 1:',
    'LOGOUT',
  ],
  store: [
    ...LOAD,
    `CREATE "${PROJECT}"`,
    'SELECT INBOX',
    'STORE 1 +FLAGS (\\Flagged)',
    'STORE 2 -FLAGS (\\Flagged $Forwarded)',
    'STORE 3 FLAGS (\\Seen $Label1)',
    'STORE 1:2 +FLAGS.SILENT (\\Draft)',
    'UID STORE 4:5 -FLAGS.SILENT (\\Seen $Junk)',
    'FETCH 1:* FLAGS',
    'STORE 1 +FLAGS (\\Recent)',
    'STORE 9 +FLAGS (\\Seen)',
    'UID STORE 9 +FLAGS (\\Seen)',
    'COPY 1:2 Trash',
    `COPY 3 "${PROJECT}"`,
    'COPY 1 Nowhere',
    'UID COPY 7 Trash',
    `MOVE 4 "${PROJECT}"`,
    'UID MOVE 5 Junk',
    'MOVE 9 Junk',
    'FETCH 1:* (UID FLAGS)',
    'STORE 1 +FLAGS.SILENT (\\Deleted)',
    'STORE 3 +FLAGS.SILENT (\\Deleted)',
    'UID EXPUNGE 3',
    'FETCH 1:* (UID FLAGS)',
    'EXPUNGE',
    'FETCH 1:* (UID FLAGS)',
    `STATUS "${PROJECT}" (MESSAGES UIDNEXT UNSEEN RECENT)`,
    'STATUS Trash (MESSAGES UIDNEXT UNSEEN)',
    `SELECT "${PROJECT}"`,
    'FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])',
    'STORE 1:* +FLAGS (\\Deleted)',
    'CLOSE',
    `STATUS "${PROJECT}" (MESSAGES)`,
    'LOGOUT',
  ],
  condstore: [
    ...LOAD,
    'ENABLE CONDSTORE',
    'SELECT INBOX (CONDSTORE)',
    'FETCH 1:* (UID FLAGS MODSEQ)',
    'STORE 2 +FLAGS (\\Draft)',
    'STORE 1:2 (UNCHANGEDSINCE $HIGHESTMODSEQ) +FLAGS (\\Flagged)',
    'FETCH 1:* (FLAGS) (CHANGEDSINCE $HIGHESTMODSEQ)',
    'UID STORE 2 +FLAGS (\\Deleted)',
    'SEARCH MODSEQ 1',
    'SEARCH RETURN (ALL) MODSEQ 1',
    'UID EXPUNGE 2',
    'STATUS INBOX (HIGHESTMODSEQ MESSAGES)',
    'UNSELECT',
    'ENABLE QRESYNC',
    'SELECT INBOX (QRESYNC ($UIDVALIDITY 1 1:5))',
    'UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)',
    'STORE 1 +FLAGS (\\Seen)',
    { session: 'b', command: 'LOGIN "$USER" "$PASS"' },
    { session: 'b', command: 'ENABLE QRESYNC' },
    { session: 'b', command: 'SELECT INBOX' },
    { session: 'b', command: 'STORE 2 +FLAGS (\\Deleted)' },
    { session: 'b', command: 'EXPUNGE' },
    'NOOP',
    'LOGOUT',
    { session: 'b', command: 'LOGOUT' },
  ],
  mailboxes: [
    'LOGIN "$USER" "$PASS"',
    'LIST "" ""',
    'LIST "" "*"',
    'LIST "" "%"',
    'LSUB "" "*"',
    `CREATE "${PROJECT}"`,
    `CREATE "${PROJECT}/2026"`,
    'CREATE Archive/',
    'CREATE INBOX',
    'CREATE "Work/Reports"',
    'LIST "" "*"',
    'LIST "" "Work/%"',
    'LIST (SUBSCRIBED) "" "*"',
    'LIST "" "*" RETURN (SPECIAL-USE)',
    'LIST (SPECIAL-USE) "" "*"',
    'LIST "" "*" RETURN (CHILDREN STATUS (MESSAGES UNSEEN))',
    'SUBSCRIBE "Work/Reports"',
    'LSUB "" "*"',
    'UNSUBSCRIBE "Work/Reports"',
    'RENAME "Work/Reports" "Work/Archive"',
    'RENAME "Work/Archive" Sent',
    'RENAME Nowhere Somewhere',
    'LIST "" "Work/*"',
    'DELETE "Work/Archive"',
    'DELETE Nowhere',
    'DELETE INBOX',
    'STATUS INBOX (MESSAGES RECENT UIDNEXT UNSEEN SIZE)',
    'STATUS Nowhere (MESSAGES)',
    ['APPEND Archive (\\Seen) "01-Feb-2026 10:00:00 +0000" ', literal(MESSAGES[3]?.raw ?? '')],
    ['APPEND Nowhere ', literal(MESSAGES[3]?.raw ?? '')],
    'STATUS Archive (MESSAGES UNSEEN UIDNEXT)',
    'SELECT Nowhere',
    'EXAMINE Archive',
    'FETCH 1 (FLAGS INTERNALDATE)',
    'NAMESPACE',
    'GETQUOTAROOT INBOX',
    'LOGOUT',
  ],
  idle: [
    'LOGIN "$USER" "$PASS"',
    'SELECT INBOX',
    { session: 'b', command: 'LOGIN "$USER" "$PASS"' },
    { session: 'b', command: 'SELECT INBOX' },
    { session: 'b', idle: true },
    ['APPEND INBOX () "05-Jan-2026 08:00:05 +0800" ', literal(MESSAGES[0]?.raw ?? '')],
    { session: 'b', waitFor: /EXISTS/ },
    'STORE 1 +FLAGS (\\Flagged)',
    { session: 'b', waitFor: /FETCH/ },
    'STORE 1 +FLAGS (\\Deleted)',
    { session: 'b', waitFor: /FETCH/ },
    'EXPUNGE',
    { session: 'b', waitFor: /EXPUNGE/ },
    { session: 'b', done: true },
    { session: 'b', command: 'NOOP' },
    'LOGOUT',
    { session: 'b', command: 'LOGOUT' },
  ],
  errors: [
    'NOOP',
    'SELECT INBOX',
    'LOGIN "$USER" "wrong"',
    'LOGIN "$USER" "$PASS"',
    'LOGIN "$USER" "$PASS"',
    'FETCH 1 FLAGS',
    'STORE 1 +FLAGS (\\Seen)',
    'EXPUNGE',
    'CLOSE',
    'SEARCH ALL',
    'SELECT INBOX',
    'FETCH 1 FLAGS',
    'FETCH 0 FLAGS',
    'FETCH * FLAGS',
    'FETCH 1:* FLAGS',
    'FETCH x FLAGS',
    'FETCH 1 (FLAGS',
    'FETCH 1 NOSUCHITEM',
    'UID FETCH 1:* FLAGS',
    'UID FETCH 99 FLAGS',
    'STORE 1 +FLAGS (\\Seen)',
    'COPY 1 Trash',
    'EXAMINE Nowhere',
    'FETCH 1 FLAGS',
    'SELECT INBOX',
    'BOGUS',
    'UID BOGUS 1',
    'LIST',
    'STATUS INBOX (NOSUCHITEM)',
    'CREATE ""',
    'ENABLE NOSUCHEXTENSION',
    'LOGOUT',
  ],
};

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
