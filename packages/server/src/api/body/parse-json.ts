import sjson from 'secure-json-parse';
import { AppError } from '../../shared/index.js';
import { checkJsonBudget, JSON_BUDGET, type JsonBudget } from './json-budget.js';

/**
 * A JSON request body → its value, as fastify's own JSON parser does it
 * (secure-json-parse: a `__proto__` or `constructor.prototype` key is refused,
 * never merged into an object's prototype) after {@link checkJsonBudget}.
 * Throws AppErrors: BAD_REQUEST for what is not JSON, PAYLOAD_TOO_LARGE past the budget.
 */
export function parseJsonBody(bytes: Buffer, budget: JsonBudget = JSON_BUDGET): unknown {
  if (bytes.length === 0) {
    throw new AppError('BAD_REQUEST', 'The request body is empty but its Content-Type is application/json');
  }
  checkJsonBudget(bytes, budget);
  const text = bytes.toString('utf8');
  try {
    return sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    if (err instanceof SyntaxError) throw new AppError('BAD_REQUEST', 'The request body is not valid JSON');
    throw new AppError(
      'BAD_REQUEST',
      'The request body holds a forbidden __proto__ or constructor.prototype key',
    );
  }
}
