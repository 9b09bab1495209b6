/**
 * Who is asking: a system admin sees every entry; a domain admin sees the
 * entries whose sender domain or destination domain is one of theirs, and
 * any other answers as if absent.
 */
export type QueueScope = { domains: 'all' } | { domains: string[] };

/** Whether `scope` may see something whose sender domain or recipient domains are these. */
export function inScope(scope: QueueScope, domains: readonly string[]): boolean {
  if (scope.domains === 'all') return true;
  const mine = new Set(scope.domains.map((d) => d.toLowerCase()));
  return domains.some((d) => mine.has(d.toLowerCase()));
}
