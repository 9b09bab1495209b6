import { createHash } from 'node:crypto';
import type { DkimKeyInfo } from './dkim-keys.js';
import type { DnsResolve } from './resolver.js';

/**
 * How a record compares with what DNS holds now: `found` (published as
 * suggested), `missing` (no such record), `different` (a record of that kind
 * is there with another value), `unknown` (the lookup failed: SERVFAIL, timeout).
 */
export type RecordStatus = 'found' | 'missing' | 'different' | 'unknown';

/** One record the admin publishes for a domain. */
export interface DnsRecordCheck {
  purpose: 'mx' | 'spf' | 'dkim' | 'dmarc' | 'mta-sts' | 'mta-sts-host';
  type: 'MX' | 'TXT' | 'CNAME';
  /** Fully qualified, without the trailing dot. */
  name: string;
  /** What to publish (TXT: the text; a zone file splits it into strings of ≤ 255 octets). */
  value: string;
  status: RecordStatus;
  /** What DNS answered for this name and kind (TXT records joined), for comparing by eye. */
  current: string[];
  /** Why, when the value alone does not say (no DKIM key yet, a lookup error). */
  note?: string;
}

/** Everything `GET /domains/{name}/dns` and `jdmail domain dns` show. */
export interface DomainDnsReport {
  domain: string;
  records: DnsRecordCheck[];
  /** The MTA-STS policy (RFC 8461 §3.2) to serve at `url` over HTTPS. */
  mtaStsPolicy: { url: string; text: string };
}

export interface DnsRecordsOptions {
  domain: string;
  /** The MX host name (`hostname`). */
  hostname: string;
  dkim: DkimKeyInfo | null;
  mtaStsMode: 'enforce' | 'testing' | 'none';
  resolve: DnsResolve;
}

const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);
const squash = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .replace(/\s*;\s*/g, '; ')
    .trim()
    .toLowerCase();
const host = (s: string) => s.toLowerCase().replace(/\.$/, '');

/** The MTA-STS policy file (RFC 8461 §3.2): our MX, a week's max_age. */
export function mtaStsPolicy(hostname: string, mode: DnsRecordsOptions['mtaStsMode']): string {
  return `version: STSv1\r\nmode: ${mode}\r\nmx: ${hostname}\r\nmax_age: 604800\r\n`;
}

/** Looks a name up; a missing name or record is an empty answer, any other failure an `unknown` with its code. */
async function lookup(
  resolve: DnsResolve,
  name: string,
  type: string,
): Promise<{ answers: unknown[]; error?: string }> {
  try {
    return { answers: await resolve(name, type) };
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? (e as Error).message);
    return NO_RECORD.has(code) ? { answers: [] } : { answers: [], error: code };
  }
}

const txtOf = (answers: unknown[]) => answers.map((a) => (Array.isArray(a) ? a.join('') : String(a)));

/** A TXT record whose records of its kind (`tag`, e.g. `v=spf1`) are compared with `value` by `same`. */
async function txtCheck(
  options: DnsRecordsOptions,
  record: Omit<DnsRecordCheck, 'status' | 'current' | 'type'>,
  tag: string,
  same: (current: string) => boolean,
): Promise<DnsRecordCheck> {
  const { answers, error } = await lookup(options.resolve, record.name, 'TXT');
  const current = txtOf(answers).filter((t) => squash(t).startsWith(tag));
  const status: RecordStatus = error
    ? 'unknown'
    : current.length === 0
      ? 'missing'
      : current.some(same)
        ? 'found'
        : 'different';
  return { ...record, type: 'TXT', status, current, ...(error ? { note: `lookup failed: ${error}` } : {}) };
}

async function mxCheck(options: DnsRecordsOptions): Promise<DnsRecordCheck> {
  const { answers, error } = await lookup(options.resolve, options.domain, 'MX');
  const current = (answers as { exchange: string; priority: number }[]).map(
    (a) => `${a.priority} ${host(a.exchange)}`,
  );
  const ours = (answers as { exchange: string }[]).some((a) => host(a.exchange) === host(options.hostname));
  return {
    purpose: 'mx',
    type: 'MX',
    name: options.domain,
    value: `10 ${options.hostname}.`,
    status: error ? 'unknown' : current.length === 0 ? 'missing' : ours ? 'found' : 'different',
    current,
    ...(error ? { note: `lookup failed: ${error}` } : {}),
  };
}

/** `mta-sts.<domain>` must reach this server's web listener: the same addresses as our host name. */
async function mtaStsHostCheck(options: DnsRecordsOptions): Promise<DnsRecordCheck> {
  const name = `mta-sts.${options.domain}`;
  const [theirs, ours] = await Promise.all([
    lookup(options.resolve, name, 'A'),
    lookup(options.resolve, options.hostname, 'A'),
  ]);
  const current = theirs.answers.map(String);
  const same = current.some((a) => ours.answers.map(String).includes(a));
  const error = theirs.error ?? ours.error;
  return {
    purpose: 'mta-sts-host',
    type: 'CNAME',
    name,
    value: `${options.hostname}.`,
    status: error ? 'unknown' : current.length === 0 ? 'missing' : same ? 'found' : 'different',
    current,
    note: error
      ? `lookup failed: ${error}`
      : 'or an A/AAAA record with the addresses of the web server (HTTPS)',
  };
}

/**
 * Every record a domain needs for mail to and from it to work and to be
 * trusted, each checked against DNS through `resolve`: MX, SPF (RFC 7208),
 * DKIM (RFC 6376 §3.6.2), DMARC (RFC 7489 §6.1) and MTA-STS (RFC 8461 §3.1).
 * SPF and DKIM compare the value; DMARC counts as found with any policy (which
 * one is the admin's choice); MTA-STS compares the policy id, which changes
 * with the policy.
 */
export async function checkDomainDns(options: DnsRecordsOptions): Promise<DomainDnsReport> {
  const { domain, hostname, dkim } = options;
  const policy = mtaStsPolicy(hostname, options.mtaStsMode);
  const stsId = createHash('sha256').update(policy).digest('hex').slice(0, 20);
  const spfValue = 'v=spf1 mx -all';
  const dkimValue = dkim ? `v=DKIM1; k=rsa; p=${dkim.publicKey}` : '';
  const pTag = (t: string) => /(?:^|;)\s*p=([^;]*)/i.exec(t)?.[1]?.replace(/\s+/g, '') ?? '';
  const checks = await Promise.all([
    mxCheck(options),
    txtCheck(
      options,
      { purpose: 'spf', name: domain, value: spfValue },
      'v=spf1',
      (t) => squash(t) === spfValue,
    ),
    dkim
      ? txtCheck(
          options,
          { purpose: 'dkim', name: `${dkim.selector}._domainkey.${domain}`, value: dkimValue },
          'v=dkim1',
          (t) => pTag(t) === dkim.publicKey,
        )
      : Promise.resolve<DnsRecordCheck>({
          purpose: 'dkim',
          type: 'TXT',
          name: `_domainkey.${domain}`,
          value: '',
          status: 'missing',
          current: [],
          note: `no DKIM key yet: POST /api/v1/domains/${domain}/dkim makes one`,
        }),
    txtCheck(
      options,
      {
        purpose: 'dmarc',
        name: `_dmarc.${domain}`,
        value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain}`,
      },
      'v=dmarc1',
      (t) => /(?:^|;)\s*p=(none|quarantine|reject)\s*(;|$)/i.test(t),
    ),
    txtCheck(
      options,
      { purpose: 'mta-sts', name: `_mta-sts.${domain}`, value: `v=STSv1; id=${stsId}` },
      'v=stsv1',
      (t) => squash(t) === squash(`v=STSv1; id=${stsId}`),
    ),
    mtaStsHostCheck(options),
  ]);
  return {
    domain,
    records: checks,
    mtaStsPolicy: { url: `https://mta-sts.${domain}/.well-known/mta-sts.txt`, text: policy },
  };
}
