/**
 * What real clients send, written from the RFCs and the clients' known
 * behaviour (their protocol logs and peers' issue trackers), one transcript
 * per client. `expect` lists, in order, the reader's events: a parsed
 * command (matched partially), `+` for a continuation request, `line` for a
 * raw AUTHENTICATE line, `idle-done` / `idle-interrupted` for the end of IDLE.
 */
export interface Transcript {
  readonly client: string;
  readonly input: string;
  readonly expect: ReadonlyArray<string | Record<string, unknown>>;
}

const MESSAGE = 'From: a@example.com\r\nSubject: =?UTF-8?B?5rWL6K+V?=\r\n\r\nhello\r\n';
/** A message with raw UTF-8 headers (RFC 6532), as Thunderbird appends it with UTF8=ACCEPT. */
const UTF8_MESSAGE = 'From: 张三 <zhang@example.com>\r\nSubject: 项目周报\r\n\r\n你好\r\n';
const size = (text: string) => Buffer.byteLength(text);

export const TRANSCRIPTS: readonly Transcript[] = [
  {
    client: 'Thunderbird 115',
    input: [
      '1 capability\r\n',
      '2 authenticate PLAIN\r\n',
      'AGZyZWQAc2VjcmV0\r\n',
      '3 ID ("name" "Thunderbird" "version" "115.3.1")\r\n',
      '4 ENABLE CONDSTORE\r\n',
      '5 select "INBOX" (CONDSTORE)\r\n',
      '6 UID fetch 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n',
      '7 UID fetch 1,3:5 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])\r\n',
      '8 IDLE\r\n',
      'DONE\r\n',
      '9 uid store 7 +Flags (\\Seen)\r\n',
      `10 append "Sent" (\\Seen) {${size(MESSAGE)}}\r\n`,
      `${MESSAGE}\r\n`,
      '11 list (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)\r\n',
      '12 UID fetch 7 (UID RFC822.SIZE BODY.PEEK[])\r\n',
      '13 UID MOVE 7 "Trash"\r\n',
      '14 getquotaroot "INBOX"\r\n',
      // Thunderbird's UTF-8 APPEND (wildduck#628): RFC 6855 §4 UTF8 (literal8), here synchronizing.
      `15 APPEND "Sent" (\\Seen) UTF8 (~{${size(UTF8_MESSAGE)}}\r\n`,
      `${UTF8_MESSAGE})\r\n`,
      '16 logout\r\n',
    ].join(''),
    expect: [
      { name: 'CAPABILITY' },
      { name: 'AUTHENTICATE', mechanism: 'PLAIN', initialResponse: null },
      'line',
      {
        name: 'ID',
        params: [
          ['name', 'Thunderbird'],
          ['version', '115.3.1'],
        ],
      },
      { name: 'ENABLE', capabilities: ['CONDSTORE'] },
      { name: 'SELECT', mailbox: 'INBOX', condstore: true },
      { name: 'FETCH', uid: true, changedSince: 12345 },
      {
        name: 'FETCH',
        uid: true,
        attributes: [
          { item: 'UID' },
          { item: 'RFC822.SIZE' },
          { item: 'FLAGS' },
          { kind: 'section', peek: true },
        ],
      },
      { name: 'IDLE' },
      'idle-done',
      { name: 'STORE', action: 'add', flags: ['\\Seen'] },
      '+',
      { name: 'APPEND', mailbox: 'Sent' },
      { name: 'LIST', selection: { subscribed: true }, returns: { specialUse: true } },
      { name: 'FETCH', uid: true },
      { name: 'MOVE', uid: true, mailbox: 'Trash' },
      { name: 'GETQUOTAROOT', mailbox: 'INBOX' },
      '+',
      {
        name: 'APPEND',
        mailbox: 'Sent',
        messages: [{ flags: ['\\Seen'], utf8: true, data: { kind: 'buffer', binary: true } }],
      },
      { name: 'LOGOUT' },
    ],
  },
  {
    client: 'iOS Mail 16',
    input: [
      '1 ID ("name" "iPhone Mail" "version" "20E252" "os" "iOS" "os-version" "16.4.1 (20E252)")\r\n',
      '2 LOGIN "fred@example.com" "secret"\r\n',
      '3 CAPABILITY\r\n',
      '4 COMPRESS DEFLATE\r\n',
      '5 LIST "" ""\r\n',
      '6 LIST "" "*"\r\n',
      '7 ENABLE QRESYNC\r\n',
      '8 SELECT INBOX (QRESYNC (1690000000 42 1:30))\r\n',
      '9 UID SEARCH 1:* NOT DELETED\r\n',
      '10 UID FETCH 1:30 (FLAGS) (CHANGEDSINCE 42 VANISHED)\r\n',
      '11 UID FETCH 30 (BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (date subject from content-type to cc bcc message-id in-reply-to references list-id)])\r\n',
      '8.568 IDLE\r\n',
      '8.569 IDLE\r\n',
      'done\r\n',
      '12 UID FETCH 30 (BODY.PEEK[1]<0.2048> BINARY.PEEK[2])\r\n',
    ].join(''),
    expect: [
      {
        name: 'ID',
        params: [
          ['name', 'iPhone Mail'],
          ['version', '20E252'],
          ['os', 'iOS'],
          ['os-version', '16.4.1 (20E252)'],
        ],
      },
      { name: 'LOGIN', username: 'fred@example.com', password: 'secret' },
      { name: 'CAPABILITY' },
      { name: 'COMPRESS', algorithm: 'DEFLATE' },
      { name: 'LIST', reference: '', patterns: [''] },
      { name: 'LIST', patterns: ['*'], extended: false },
      { name: 'ENABLE', capabilities: ['QRESYNC'] },
      { name: 'SELECT', qresync: { uidValidity: 1690000000, modseq: 42 } },
      {
        name: 'SEARCH',
        uid: true,
        program: { keys: [{ key: 'SEQUENCE' }, { key: 'NOT', operand: { key: 'DELETED' } }] },
      },
      { name: 'FETCH', uid: true, changedSince: 42, vanished: true },
      {
        name: 'FETCH',
        attributes: [{ item: 'BODYSTRUCTURE' }, { kind: 'section', section: { text: 'HEADER.FIELDS' } }],
      },
      { name: 'IDLE' },
      'idle-interrupted',
      { name: 'IDLE' },
      'idle-done',
      {
        name: 'FETCH',
        attributes: [
          { kind: 'section', partial: { offset: 0, length: 2048 } },
          { kind: 'binary', part: [2] },
        ],
      },
    ],
  },
  {
    client: 'Outlook 2019',
    input: [
      'ky5b CAPABILITY\r\n',
      'zufy LOGIN fred secret\r\n',
      '9k9a LIST "" "*"\r\n',
      'cnfk LSUB "" "*"\r\n',
      'w2sf STATUS "INBOX" (MESSAGES UNSEEN RECENT UIDNEXT UIDVALIDITY)\r\n',
      'gqvv SELECT "INBOX"\r\n',
      'qk3j UID FETCH 1:* (UID FLAGS)\r\n',
      'n1g6 FETCH 1:3 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER])\r\n',
      'k2jq UID STORE 3 +FLAGS.SILENT (\\Deleted)\r\n',
      'yx6r EXPUNGE\r\n',
      'gt8p NOOP\r\n',
      'gt8q LOGOUT\r\n',
    ].join(''),
    expect: [
      { name: 'CAPABILITY' },
      { name: 'LOGIN', username: 'fred' },
      { name: 'LIST' },
      { name: 'LSUB' },
      { name: 'STATUS', items: ['MESSAGES', 'UNSEEN', 'RECENT', 'UIDNEXT', 'UIDVALIDITY'] },
      { name: 'SELECT', condstore: false, qresync: null },
      { name: 'FETCH', uid: true },
      {
        name: 'FETCH',
        uid: false,
        attributes: [{}, {}, {}, { kind: 'section', section: { text: 'HEADER' } }],
      },
      { name: 'STORE', silent: true, action: 'add', flags: ['\\Deleted'] },
      { name: 'EXPUNGE' },
      { name: 'NOOP' },
      { name: 'LOGOUT' },
    ],
  },
  {
    client: 'imapflow 1.x',
    input: [
      '1 CAPABILITY\r\n',
      '2 ID ("name" "imapflow" "version" "1.0.164" "vendor" "Postal Systems")\r\n',
      '3 AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0\r\n',
      '4 ENABLE CONDSTORE UTF8=ACCEPT\r\n',
      '5 NAMESPACE\r\n',
      '6 LIST "" "*" RETURN (SPECIAL-USE SUBSCRIBED)\r\n',
      '7 SELECT INBOX (CONDSTORE)\r\n',
      '8 UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 1)\r\n',
      `9 APPEND INBOX (\\Seen) "14-Jul-2024 10:20:30 +0300" {${size(MESSAGE)}+}\r\n${MESSAGE}\r\n`,
      '10 UID SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n测试\r\n',
      '11 UID STORE 1 (UNCHANGEDSINCE 5) +FLAGS.SILENT (\\Flagged $Forwarded)\r\n',
      '12 CREATE "收件箱/项目"\r\n',
      '13 IDLE\r\n',
      'DONE\r\n',
    ].join(''),
    expect: [
      { name: 'CAPABILITY' },
      { name: 'ID' },
      { name: 'AUTHENTICATE', initialResponse: Buffer.from('\0fred\0secret') },
      { name: 'ENABLE', capabilities: ['CONDSTORE', 'UTF8=ACCEPT'] },
      { name: 'NAMESPACE' },
      { name: 'LIST', returns: { specialUse: true, subscribed: true }, extended: true },
      { name: 'SELECT', condstore: true },
      {
        name: 'FETCH',
        changedSince: 1,
        attributes: [{ item: 'UID' }, { item: 'FLAGS' }, { item: 'MODSEQ' }],
      },
      { name: 'APPEND', messages: [{ flags: ['\\Seen'], utf8: false }] },
      { name: 'SEARCH', uid: true, program: { charset: 'UTF-8', keys: [{ key: 'SUBJECT', value: '测试' }] } },
      { name: 'STORE', unchangedSince: 5, flags: ['\\Flagged', '$Forwarded'] },
      { name: 'CREATE', mailbox: '收件箱/项目' },
      { name: 'IDLE' },
      'idle-done',
    ],
  },
  {
    client: 'Foxmail 7.2',
    input: [
      'C1 ID ("name" "Foxmail" "version" "7.2.25.254" "vendor" "Tencent")\r\n',
      'C2 LOGIN fred@example.com secret\r\n',
      'C3 LIST "" "*"\r\n',
      'C4 SELECT "&UXZO1mWHTvZZOQ-"\r\n',
      'C5 FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)\r\n',
      'C6 UID FETCH 5 BODY.PEEK[]\r\n',
      'C7 UID COPY 5 "&XfJT0ZAB-"\r\n',
    ].join(''),
    expect: [
      {
        name: 'ID',
        params: [
          ['name', 'Foxmail'],
          ['version', '7.2.25.254'],
          ['vendor', 'Tencent'],
        ],
      },
      { name: 'LOGIN', username: 'fred@example.com' },
      { name: 'LIST' },
      { name: 'SELECT', mailbox: '其他文件夹' },
      { name: 'FETCH', uid: false },
      { name: 'FETCH', uid: true, macro: null, attributes: [{ kind: 'section', peek: true }] },
      { name: 'COPY', uid: true, mailbox: '已发送' },
    ],
  },
];
