/**
 * The id of a token: a 53-bit hash of its text, so ids are exact JavaScript
 * numbers and fit the store's bigint columns on both engines (SpamAssassin
 * keeps 40 bits of SHA-1). Collisions: with a million distinct tokens the
 * chance that any two share an id is about 1 in 10^4, and a collision only
 * merges two tokens' counts.
 *
 * The function is cyrb53 (bryc, public domain): two 32-bit multiply-xorshift
 * lanes over the UTF-16 code units. It is not cryptographic, and need not
 * be: ids are never shown, and a sender who could make two tokens collide
 * gains only what sending the other token would give.
 */
export function tokenId(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
