import type { Command } from 'commander';
import type { DomainDnsReport } from '../mail-auth/index.js';
import type { Engine } from '../main.js';
import { withConfigFlags } from './options.js';

type Out = (line: string) => void;
type WithEngine = <T>(cmd: Command, fn: (engine: Engine) => Promise<T>) => Promise<T>;

/** A TXT value as a zone file writes it: quoted strings of at most 255 octets (RFC 1035 §3.3.14). */
export function zoneText(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
  return parts.join(' ');
}

/** The report as lines: status, then the record in zone-file form; then the MTA-STS policy. */
export function formatDnsReport(report: DomainDnsReport): string[] {
  const lines: string[] = [];
  for (const r of report.records) {
    const value = r.type === 'TXT' ? zoneText(r.value) : r.value;
    lines.push(`${r.status.padEnd(9)} ${r.purpose.padEnd(12)} ${r.name}. 3600 IN ${r.type} ${value}`);
    if (r.status === 'different') for (const c of r.current) lines.push(`          now: ${c}`);
    if (r.note) lines.push(`          note: ${r.note}`);
  }
  lines.push('', `MTA-STS policy, served at ${report.mtaStsPolicy.url}:`);
  for (const l of report.mtaStsPolicy.text.trimEnd().split(/\r?\n/)) lines.push(`  ${l}`);
  return lines;
}

/** `jdmail domain dns NAME` (records to publish, checked now) and `jdmail domain dkim-rotate NAME`. */
export function registerDomainDnsCommands(domain: Command, out: Out, withEngine: WithEngine): void {
  withConfigFlags(
    domain
      .command('dns <name>')
      .description(
        'print every DNS record the domain must publish (MX, SPF, DKIM, DMARC, MTA-STS), checked now',
      )
      .option('--json', 'print the report as JSON'),
  ).action(async (name: string, o: { json?: boolean }, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      await e.directory.getDomain(name);
      const report = await e.domainMailAuth.dnsReport(name);
      if (o.json) out(JSON.stringify(report, null, 2));
      else for (const line of formatDnsReport(report)) out(line);
    });
  });
  withConfigFlags(
    domain
      .command('dkim-rotate <name>')
      .description('make a new DKIM key for the domain (publish its record)'),
  ).action(async (name: string, _o, cmd: Command) => {
    await withEngine(cmd, async (e) => {
      const key = await e.domainMailAuth.rotateDkim(name);
      out(
        `${key.selector}._domainkey.${key.domain}. 3600 IN TXT ${zoneText(`v=DKIM1; k=rsa; p=${key.publicKey}`)}`,
      );
    });
  });
}
