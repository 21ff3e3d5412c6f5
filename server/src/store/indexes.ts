import type { IndexSpec } from './port.js';

/**
 * Every index the product needs, created at start by `ensureIndexes` (idempotent).
 * Uniqueness that the domain relies on lives here, so both drivers enforce it.
 */
export const INDEXES: readonly IndexSpec[] = [
  { collection: 'accounts', keys: { email: 1 }, unique: true },
  { collection: 'api_keys', keys: { hash: 1 }, unique: true },
  { collection: 'api_keys', keys: { account: 1, created_at: -1 } },
  { collection: 'events', keys: { account: 1, livemode: 1, created_at: -1 } },
];
