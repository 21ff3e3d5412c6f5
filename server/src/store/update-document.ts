/**
 * Applies a port `Update` to one in-memory document, for the embedded drivers.
 *
 * mingo's own `update()` builds a fresh operator context for every call (it copies its whole
 * table of query, expression and pipeline operators four times): about 200 µs per call on
 * this machine, against about 25 µs for the update operators themselves. A door scan or an
 * order makes a dozen small updates, so that copy was most of a scan's CPU. This calls
 * mingo's update operators directly, which is the same code `update()` runs for each
 * operator, with its default options (shallow copies of the values set), and keeps the one
 * check `update()` makes across operators: no two of them may touch the same path or a path
 * inside another's.
 */
import type * as UpdateOperators from 'mingo/operators/update';
import { loadOnFirstUse } from '../kernel/load-on-first-use.js';

type Operator = (expr: Record<string, unknown>) => (doc: object) => string[];

const NAMES = new Set(['$set', '$unset', '$inc', '$push', '$min', '$max']);
// Loaded by the first update rather than at start (they bring much of mingo's query code).
const updateOperators = loadOnFirstUse<typeof UpdateOperators>(import.meta.url, 'mingo/operators/update');
// Each operator checks its own expression's values (`$inc` refuses a non-number, and so on).
const operator = (name: string): Operator => updateOperators()[name as keyof typeof UpdateOperators] as unknown as Operator;

/** Whether `a` and `b` are one path, or one lies inside the other (`a.b` and `a.b.c`). */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

const expressionOf = (modifier: object, name: string) => (modifier as Record<string, Record<string, unknown>>)[name] ?? {};

/**
 * Changes `doc` in place by `modifier` (`$set $unset $inc $push $min $max`, in the order
 * given) and returns the paths that changed, sorted (empty when nothing did).
 * @throws Error for an unknown operator, or two operators on overlapping paths
 *
 * @example
 * const doc = { _id: 'a', n: 1 };
 * updateDocument(doc, { $inc: { n: 1 }, $set: { at: 'now' } }); // ['at', 'n'], doc.n === 2
 */
export function updateDocument(doc: object, modifier: object): string[] {
  const operators = Object.keys(modifier);
  const paths: string[] = [];
  for (const name of operators) {
    if (!NAMES.has(name)) throw new Error(`Unknown update operator: '${name}'.`);
    for (const path of Object.keys(expressionOf(modifier, name))) {
      const clash = paths.find((other) => overlaps(other, path));
      if (clash !== undefined) throw new Error(`updating the path '${path}' would create a conflict at '${path}'`);
      paths.push(path);
    }
  }
  const changed: string[] = [];
  for (const name of operators) {
    const apply = operator(name)(expressionOf(modifier, name));
    changed.push(...apply(doc));
  }
  return changed.sort();
}
