import AjvCompiler from '@fastify/ajv-compiler';
import { type InputRule, inputProblem } from './input-rules.js';
import { INPUT_KEYWORD, markInputs } from './mark-inputs.js';

type ValidatorFactory = AjvCompiler.BuildCompilerFromPool;
type Ajv = AjvCompiler.Ajv;

/** The ajv keyword behind {@link INPUT_KEYWORD}: a field error naming the bad character. */
function addInputKeyword(ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: INPUT_KEYWORD,
    schemaType: 'string',
    errors: true,
    validate: function check(rule: InputRule, data: unknown): boolean {
      const problem = inputProblem(rule, data);
      if (problem === null) return true;
      (check as { errors?: unknown[] }).errors = [{ keyword: INPUT_KEYWORD, message: problem, params: {} }];
      return false;
    },
  });
  return ajv;
}

/**
 * fastify's validator factory (@fastify/ajv-compiler, with the app's ajv
 * options), except that every schema it compiles — each route's params,
 * query, headers and body, and the shared models they `$ref` — first gets
 * the input keyword on each string and number (see input-rules.ts): NUL,
 * control characters, unpaired surrogates and non-finite numbers are a 422
 * naming the field on every route, present and future, without a route
 * having to ask for it.
 */
export function buildValidatorFactory(): ValidatorFactory {
  const defaults = AjvCompiler();
  return (externalSchemas, options) => {
    const shared = Object.fromEntries(
      Object.entries(externalSchemas).map(([id, schema]) => [id, markInputs(schema, 'body')]),
    ) as typeof externalSchemas;
    const plugins = [...(options?.plugins ?? []), addInputKeyword];
    const compile = defaults(shared, { ...options, plugins } as NonNullable<typeof options>);
    return (route) =>
      compile({ ...route, schema: markInputs(route.schema, route.httpPart) as typeof route.schema });
  };
}
