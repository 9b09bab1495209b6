/** The record types jdmail looks up (those of node:dns `resolve` that mail needs). */
export type DnsRecordType = 'MX' | 'A' | 'AAAA' | 'TXT' | 'CNAME' | 'PTR';

/** node:dns error codes this resolver raises (the same strings, so callers such as mailauth understand them). */
export type DnsErrorCode =
  | 'ENOTFOUND'
  | 'ENODATA'
  | 'ESERVFAIL'
  | 'EREFUSED'
  | 'ETIMEOUT'
  | 'ECONNREFUSED'
  | 'EBADRESP'
  | 'ENOTIMP';

/** An error shaped like node:dns's: `code`, `syscall` (`queryMx` …) and `hostname`. */
export interface DnsError extends Error {
  code: DnsErrorCode;
  syscall: string;
  hostname: string;
}

const SYSCALL: Record<DnsRecordType, string> = {
  A: 'queryA',
  AAAA: 'queryAaaa',
  MX: 'queryMx',
  TXT: 'queryTxt',
  CNAME: 'queryCname',
  PTR: 'queryPtr',
};

/** Builds an error as node:dns would ("queryMx ENOTFOUND example.com"). */
export function dnsError(code: DnsErrorCode, rrtype: DnsRecordType, hostname: string): DnsError {
  const syscall = SYSCALL[rrtype] ?? 'query';
  const err = new Error(`${syscall} ${code} ${hostname}`) as DnsError;
  err.code = code;
  err.syscall = syscall;
  err.hostname = hostname;
  return err;
}

/** True when `err` is a node:dns-style error with one of the given codes. */
export function isDnsError(err: unknown, ...codes: DnsErrorCode[]): err is DnsError {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (codes.length === 0 || (codes as string[]).includes(code));
}
