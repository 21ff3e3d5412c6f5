/**
 * The filter rules of the store port (`port.ts`), checked the same way by both drivers before a
 * filter or pipeline reaches nedb, mingo or MongoDB:
 *
 * - a field's condition is a plain value (string, number, boolean, null, Date, RegExp) or an
 *   operator made by `op.*` (`operators.ts`); any other object or array is refused, so data
 *   from outside can never become an operator (`{ payment_id: { $gt: '' } }` matched every
 *   order) nor a whole-subdocument equality;
 * - operator arguments are plain values too, and `$elemMatch` / `$not` are checked recursively;
 * - `undefined` is refused everywhere: the MongoDB driver runs with `ignoreUndefined`, which
 *   drops the key, so `{ account: undefined }` would match every account;
 * - the only top-level operators are `$and` and `$or`, each a non-empty list of filters.
 */
import { isOperator } from './operators.js';

const isScalar = (value: unknown): boolean => value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp);

function refuse(where: string, why: string): never {
  throw new TypeError(`Store filter at '${where || '(top)'}': ${why}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  return isRecord(value) ? `an object (${Object.keys(value).join(', ') || 'empty'})` : typeof value;
}

function checkScalar(value: unknown, where: string, also: (v: unknown) => boolean = () => false): void {
  if (value === undefined) refuse(where, 'is undefined (MongoDB would drop the key and match everything)');
  if (!isScalar(value) && !also(value)) refuse(where, `must be a string, number, boolean, null or Date, not ${describe(value)}`);
}

function checkList(value: unknown, where: string): void {
  if (!Array.isArray(value)) refuse(where, `must be a list, not ${describe(value)}`);
  value.forEach((item, i) => {
    checkScalar(item, `${where}.${i}`, (v) => v instanceof RegExp);
  });
}

function checkOperator(condition: Record<string, unknown>, where: string): void {
  for (const [name, arg] of Object.entries(condition)) {
    const at = `${where}.${name}`;
    switch (name) {
      case '$eq':
      case '$ne':
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        checkScalar(arg, at);
        break;
      case '$in':
      case '$nin':
        checkList(arg, at);
        break;
      case '$exists':
        if (typeof arg !== 'boolean') refuse(at, 'must be true or false');
        break;
      case '$regex':
        if (typeof arg !== 'string' && !(arg instanceof RegExp)) refuse(at, 'must be a string or RegExp');
        break;
      case '$options':
        if (typeof arg !== 'string') refuse(at, 'must be a string');
        break;
      case '$elemMatch':
        if (!isRecord(arg)) refuse(at, 'must be a filter');
        checkFilter(arg, at);
        break;
      case '$not':
        if (!(arg instanceof RegExp) && !isOperator(arg)) refuse(at, 'must be an operator made by op.* or a RegExp');
        if (isOperator(arg)) checkOperator(arg, at);
        break;
      default:
        refuse(at, `${name} is not an operator of the store port`);
    }
  }
}

/** Checks one field's condition: a plain value, a RegExp, or an operator made by `op.*`. */
function checkCondition(value: unknown, where: string): void {
  if (isOperator(value)) checkOperator(value, where);
  else checkScalar(value, where, (v) => v instanceof RegExp);
}

/**
 * Throws a TypeError unless `filter` keeps the port's filter rules (see the file header).
 *
 * @example
 * checkFilter({ payment_id: body.payment_id }); // throws when body.payment_id is { $gt: '' }
 * checkFilter({ status: op.in(['paid', 'refunded']) }); // fine
 */
export function checkFilter(filter: unknown, where = ''): void {
  if (!isRecord(filter)) refuse(where, `a filter must be an object, not ${describe(filter)}`);
  for (const [key, value] of Object.entries(filter)) {
    const at = where ? `${where}.${key}` : key;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) refuse(at, 'must be a non-empty list of filters');
      value.forEach((clause, i) => {
        checkFilter(clause, `${at}.${i}`);
      });
    } else if (key.startsWith('$')) {
      refuse(at, `${key} is not a top-level operator of the store port`);
    } else {
      checkCondition(value, at);
    }
  }
}

function checkNoUndefined(value: unknown, where: string): void {
  if (value === undefined) refuse(where, 'is undefined (MongoDB would drop the key)');
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkNoUndefined(item, `${where}.${i}`);
    });
  } else if (isRecord(value)) for (const [key, item] of Object.entries(value)) checkNoUndefined(item, where ? `${where}.${key}` : key);
}

/**
 * Throws a TypeError unless every `$match` stage keeps the filter rules and no stage holds
 * `undefined` (which MongoDB would drop, changing a `$group` key or a `$project`).
 *
 * @example
 * checkPipeline([{ $match: { account: undefined } }]); // throws
 */
export function checkPipeline(pipeline: readonly Record<string, unknown>[]): void {
  if (!Array.isArray(pipeline)) refuse('', 'a pipeline must be a list of stages');
  pipeline.forEach((stage, i) => {
    if (!isRecord(stage)) refuse(`pipeline.${i}`, `a stage must be an object, not ${describe(stage)}`);
    if ('$match' in stage) checkFilter(stage.$match, `pipeline.${i}.$match`);
    else checkNoUndefined(stage, `pipeline.${i}`);
  });
}
