import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';

export interface MachineNameSources {
  /** The kernel's host name (`os.hostname()`), often a short name such as `vm` or `mail`. */
  hostname(): string;
  /** The text of /etc/hosts, or '' when it cannot be read. */
  hostsFile(): string;
}

const SYSTEM: MachineNameSources = {
  hostname: osHostname,
  hostsFile: () => {
    try {
      return readFileSync('/etc/hosts', 'utf8');
    } catch {
      return '';
    }
  },
};

/**
 * The machine's fully qualified name, as `hostname -f` finds it without DNS:
 * the host name when it has a dot, else the canonical name (the first name)
 * of an /etc/hosts line that lists the short name, when that has a dot
 * (`127.0.1.1 mail.example.com mail`, as Debian's installer writes it).
 * Otherwise the short name; {@link startupWarnings} then says to set
 * `hostname`, since a name without a dot is wrong in greetings and
 * Message-IDs (RFC 5321 §4.1.1.1 wants a fully qualified domain name).
 */
export function machineName(sources: MachineNameSources = SYSTEM): string {
  const short = sources.hostname().trim().toLowerCase();
  if (short.includes('.')) return short;
  for (const raw of sources.hostsFile().split('\n')) {
    const names = raw.replace(/#.*/, '').trim().split(/\s+/).slice(1);
    const canonical = names[0]?.toLowerCase();
    if (canonical?.includes('.') && names.some((n) => n.toLowerCase() === short)) return canonical;
  }
  return short;
}
