import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PHONES } from '../../../sdk/test/rule-vectors.js';
import { STATUS } from '../../src/http/errors.js';
import { CreateOrderBody } from '../../src/http/schemas/orders.js';
import { ERROR_CODES } from '../../src/kernel/errors.js';

/** The members of `export type ErrorCode = | 'A' | 'B' …;` as the SDK publishes them. */
function sdkErrorCodes(): string[] {
  const types = readFileSync(new URL('../../../sdk/src/types.ts', import.meta.url), 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(types)?.[1] ?? '';
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1] ?? '');
}

describe('the wire contract shared with the SDK', () => {
  // The compile-time check (errorCodesMatchWireTypes in http/errors.ts) is the guard; this
  // names the missing code in plain words when one side gains a code the other lacks.
  it('knows exactly the error codes the SDK declares, each with an HTTP status', () => {
    expect(sdkErrorCodes().length).toBeGreaterThan(10);
    expect([...ERROR_CODES].sort()).toEqual(sdkErrorCodes().sort());
    expect(Object.keys(STATUS).sort()).toEqual(sdkErrorCodes().sort());
  });

  it.each(PHONES)('takes the buyer phone %j only when the SDK pattern does (%j)', (phone, accepted) => {
    const body = { event: 'evt_1', items: [{ ticket_type: 'tt_1', quantity: 1 }], buyer: { name: 'Asha Rao', email: 'asha@example.com', phone } };
    expect(CreateOrderBody.safeParse(body).success).toBe(accepted);
  });
});
