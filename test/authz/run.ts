import { send } from './http.js';
import { type Answer, expected } from './model.js';
import type { Case, Rule, Rules } from './rules/common.js';
import type { Principal, World } from './world.js';

/** An OpenAPI 3.1 document, as far as the matrix reads it. */
export interface OpenApiDoc {
  paths: Record<string, Record<string, { operationId?: string; security?: Record<string, string[]>[] }>>;
}

/** One operation of the document: its method, path template and the scope its security names. */
export interface Operation {
  method: string;
  template: string;
  scope: string | null;
}

/** Every operation of `doc` by operationId. */
export function operationsOf(doc: OpenApiDoc): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op.operationId) continue;
      const bearer = op.security?.find((s) => 'bearerAuth' in s)?.bearerAuth?.[0] ?? null;
      out.set(op.operationId, { method: method.toUpperCase(), template, scope: bearer });
    }
  }
  return out;
}

/** What is wrong between the document and the rule table: operations without a rule, rules without an operation, scopes that differ. */
export function coverageProblems(doc: OpenApiDoc, rules: Rules): string[] {
  const ops = operationsOf(doc);
  const problems: string[] = [];
  for (const [id, op] of ops) {
    const rule = rules[id];
    if (!rule) problems.push(`${id} (${op.method} ${op.template}) has no rule in the authorization matrix`);
    else if (rule.scope !== op.scope)
      problems.push(`${id}: the rule says scope ${rule.scope}, the document ${op.scope}`);
  }
  for (const id of Object.keys(rules))
    if (!ops.has(id)) problems.push(`rule ${id} names no operation of the document`);
  return problems;
}

const matches = (template: string, path: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(
    path.split('?')[0] as string,
  );

const show = (a: Answer) => (a.code ? `${a.status} ${a.code}` : String(a.status));

/** The answer `who` must get on `c` of `rule`. */
function want(rule: Rule, c: Case, who: Principal, method: string): Answer {
  const ok = c.ok ?? rule.ok;
  if (rule.scope === null) return rule.answer ? rule.answer(who, c.ok ?? ok) : (c.ok ?? ok);
  if (who.kind === 'widget' && rule.widget) return rule.widget;
  return expected(who, method, rule.scope, c.needs, ok);
}

/** Sends one case as one principal; resolves to a description of what went wrong, or null. */
async function runOne(
  w: World,
  id: string,
  op: Operation,
  rule: Rule,
  c: Case,
  who: Principal,
): Promise<string | null> {
  const where = `${id} [${c.label}] as ${c.once ? 'its own credentials' : who.name}`;
  try {
    const req = await c.request(w, who);
    if (req.method !== op.method || !matches(op.template, req.path)) {
      return `${where}: the rule sends ${req.method} ${req.path}, not ${op.method} ${op.template}`;
    }
    const res = await send(w.base, req, req.headers ?? who.headers(req.method));
    const wanted = want(rule, c, who, req.method);
    const code = (res.json as { code?: unknown } | undefined)?.code;
    const got: Answer = { status: res.status, ...(wanted.code && typeof code === 'string' ? { code } : {}) };
    if (got.status !== wanted.status || got.code !== wanted.code) {
      return `${where}: got ${show(got)}, want ${show(wanted)}`;
    }
    // An error answer, allowed (409 ADDRESS_TAKEN …) or refused, must leave everything as it was.
    await (wanted.status < 400 ? req.done?.(res) : req.unchanged?.());
    return null;
  } catch (err) {
    return `${where}: ${(err as Error).message}`;
  }
}

/** Every (operation, case, principal) of the matrix as a task. */
export function matrixTasks(w: World, doc: OpenApiDoc, rules: Rules): (() => Promise<string | null>)[] {
  const ops = operationsOf(doc);
  const tasks: (() => Promise<string | null>)[] = [];
  for (const [id, rule] of Object.entries(rules)) {
    const op = ops.get(id);
    if (!op) continue; // reported by coverageProblems
    for (const c of rule.cases) {
      const callers = c.once ? w.principals.slice(0, 1) : w.principals.filter((p) => !c.self || p.self);
      for (const who of callers) tasks.push(() => runOne(w, id, op, rule, c, who));
    }
  }
  return tasks;
}
