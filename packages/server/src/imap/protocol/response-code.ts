/**
 * A response code: the bracketed part of a status response
 * (`* OK [UIDVALIDITY 3857529045] UIDs valid`, `a NO [TOOBIG] ...`;
 * RFC 9051 §7.1). `args` follow the name separated by spaces, each
 * already in its wire form (numbers, atoms, sequence sets, a parenthesized
 * list): `{ name: 'COPYUID', args: ['38505', '304,319:320', '3956:3958'] }`.
 */
export interface ResponseCode {
  readonly name: string;
  readonly args?: readonly string[];
}

/** The wire form of a response code, without the brackets. */
export function formatResponseCode(code: ResponseCode): string {
  return code.args && code.args.length > 0 ? `${code.name} ${code.args.join(' ')}` : code.name;
}
