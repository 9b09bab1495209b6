import { AppError } from '../../shared/index.js';

/**
 * How much structure one JSON request body may hold. The largest legitimate
 * bodies hold about 3,000 values (a send with 300 recipients and 100
 * attachments, 1,000 addresses for `POST /unread-counts`); a parsed value
 * costs far more memory than its bytes, and every one of them is copied again
 * when a body parsed on the parser thread comes back to the event loop.
 */
export interface JsonBudget {
  /** Array elements and object members, counted together. */
  maxValues: number;
  /** Nesting of arrays and objects. */
  maxDepth: number;
}

export const JSON_BUDGET: JsonBudget = { maxValues: 10_000, maxDepth: 32 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/**
 * Throws PAYLOAD_TOO_LARGE when the JSON text in `bytes` holds more values or
 * deeper nesting than `budget`, found by one pass over its bytes before
 * anything is parsed: a body of a million keys costs this scan, not a million
 * objects. Values are counted as commas and containers outside strings (an
 * upper bound for valid JSON; invalid JSON is left for the parser to refuse).
 */
export function checkJsonBudget(bytes: Uint8Array, budget: JsonBudget = JSON_BUDGET): void {
  let values = 0;
  let depth = 0;
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      i = endOfString(bytes, i + 1);
    } else if (c === COMMA) {
      values++;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      values++;
      if (++depth > budget.maxDepth) throw tooDeep(budget);
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    }
    if (values > budget.maxValues) throw tooWide(budget);
  }
}

/** The index of the quote closing the string whose content starts at `from` (or the end). */
function endOfString(bytes: Uint8Array, from: number): number {
  for (let i = from; ; ) {
    const q = bytes.indexOf(QUOTE, i);
    if (q < 0) return bytes.length;
    let slashes = 0;
    for (let j = q - 1; j >= from && bytes[j] === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return q; // not escaped
    i = q + 1;
  }
}

const tooWide = (b: JsonBudget) =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    `The JSON body holds more than ${b.maxValues} array elements and object members`,
  );

const tooDeep = (b: JsonBudget) =>
  new AppError('PAYLOAD_TOO_LARGE', `The JSON body nests arrays and objects deeper than ${b.maxDepth}`);
