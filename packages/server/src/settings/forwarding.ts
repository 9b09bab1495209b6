import type { HeaderField } from './header-fields.js';

/**
 * How many times a message may have been delivered (`Delivered-To` fields
 * above it) before it is forwarded no further: a chain longer than this is a
 * loop that passes through addresses we cannot see (another server's forwarding).
 */
export const MAX_FORWARD_HOPS = 8;

/**
 * Why a copy is not forwarded, or null. A message that already went through
 * this user (their `Delivered-To`, as Postfix's local delivery writes it) or
 * too many hops is a loop; spam stays in Junk and is not passed on.
 */
export function forwardRefusal(input: {
  fields: readonly HeaderField[];
  address: string;
  junk: boolean;
}): string | null {
  if (input.junk) return 'spam';
  const delivered = input.fields.filter((f) => f.name === 'delivered-to');
  if (delivered.some((f) => f.value.replace(/[<>]/g, '').trim().toLowerCase() === input.address))
    return 'loop: already delivered to this user';
  if (delivered.length >= MAX_FORWARD_HOPS) return 'loop: too many hops';
  return null;
}

/** The field put on top of a forwarded copy, so that the next hop can see the loop. */
export const deliveredTo = (address: string): string => `Delivered-To: ${address}\r\n`;
