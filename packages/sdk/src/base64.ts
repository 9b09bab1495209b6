type NodeBuffer = { from(bytes: Uint8Array): { toString(encoding: 'base64'): string } };

/**
 * Base64 (RFC 4648 §4) of bytes, in Node (its Buffer) and in browsers (btoa). Tests of the
 * browser path pass `null` as `nodeBuffer`.
 */
export function bytesToBase64(
  bytes: Uint8Array,
  nodeBuffer: NodeBuffer | null | undefined = (globalThis as { Buffer?: NodeBuffer }).Buffer,
): string {
  if (nodeBuffer) return nodeBuffer.from(bytes).toString('base64');
  // btoa takes a binary string; built in slices, since one argument per byte would overflow the stack.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
