/**
 * Query operators for store filters, built only by code.
 *
 * A filter field holding an object such as `{ $gt: '' }` is an operator to MongoDB, so a value
 * copied from a request body or a webhook payload into a filter could turn an equality into
 * "match anything". The store therefore refuses every object at a field of a filter unless it
 * was made here: `op.*` registers what it returns in a private WeakSet, which JSON, a spread or
 * a copy cannot reproduce. See `port.ts` for the rule and `filter-check.ts` for the check.
 */

/** A primitive (or Date) a field is compared with. */
export type Scalar = string | number | boolean | null | Date;

declare const OPERATOR: unique symbol;

/** An operator condition for one field, as returned by {@link op}. */
export type Operator = Readonly<Record<string, unknown>> & { readonly [OPERATOR]: true };

const trusted = new WeakSet<object>();

function brand(condition: Record<string, unknown>): Operator {
  const frozen = Object.freeze(condition);
  trusted.add(frozen);
  return frozen as unknown as Operator;
}

/** Whether `value` is an operator made by {@link op} (not a look-alike from outside). */
export function isOperator(value: unknown): value is Operator {
  return typeof value === 'object' && value !== null && trusted.has(value);
}

const list = (values: readonly (Scalar | RegExp)[]): readonly (Scalar | RegExp)[] => Object.freeze([...values]);

/**
 * Builders for the port's field operators. Equality needs none: `{ status: 'paid' }`.
 *
 * @example
 * await orders.find({ account, status: op.in(['paid', 'refunded']), created_at: op.gte(since) });
 * await seats.updateOne({ _id, 'inventory.available': op.gte(2) }, { $inc: { 'inventory.available': -2 } });
 */
export const op = {
  /** Equal to `value`; the same as the plain value, but combinable. */
  eq: (value: Scalar): Operator => brand({ $eq: value }),
  /** Not equal (also matches a missing field). */
  ne: (value: Scalar): Operator => brand({ $ne: value }),
  gt: (value: number | string | Date): Operator => brand({ $gt: value }),
  gte: (value: number | string | Date): Operator => brand({ $gte: value }),
  lt: (value: number | string | Date): Operator => brand({ $lt: value }),
  lte: (value: number | string | Date): Operator => brand({ $lte: value }),
  /** Equal to one of `values` (or, for an array field, containing one). */
  in: (values: readonly (Scalar | RegExp)[]): Operator => brand({ $in: list(values) }),
  /** Equal to none of `values`. */
  nin: (values: readonly (Scalar | RegExp)[]): Operator => brand({ $nin: list(values) }),
  exists: (present: boolean): Operator => brand({ $exists: present }),
  /** Matches the pattern; a string pattern takes MongoDB's `$options` letters. */
  regex: (pattern: string | RegExp, options?: string): Operator => brand(options === undefined ? { $regex: pattern } : { $regex: pattern, $options: options }),
  /** An element of an array field matches every condition of `filter` (itself checked like any filter). */
  elemMatch: (filter: Record<string, unknown>): Operator => brand({ $elemMatch: filter }),
  /** The field does not match `condition`. */
  not: (condition: Operator | RegExp): Operator => brand({ $not: condition }),
  /**
   * Several operators on one field, all of which must hold.
   *
   * @example
   * op.and(op.gte(from), op.lt(to)); // { $gte: from, $lt: to }
   */
  and: (...conditions: Operator[]): Operator => {
    const merged: Record<string, unknown> = {};
    for (const condition of conditions) {
      if (!isOperator(condition)) throw new TypeError('op.and takes operators made by op.*');
      for (const [name, value] of Object.entries(condition)) {
        if (name in merged) throw new TypeError(`op.and got ${name} twice`);
        merged[name] = value;
      }
    }
    return brand(merged);
  },
};
