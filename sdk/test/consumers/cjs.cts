// A CommonJS consumer of the built package: resolves through `exports` → require → types (index.d.cts).
import sdk = require('@trendy-tickets/sdk');
import browser = require('@trendy-tickets/sdk/browser');

const tts = new sdk.TrendyTickets({ apiKey: 'sk_test_example' });
export const order: Promise<sdk.Order> = tts.orders.retrieve('ord_1');
export const isConflict = (e: unknown): boolean => e instanceof sdk.TtsConflictError && e.code === 'SOLD_OUT';
export const loader: typeof browser.loadCheckout = browser.loadCheckout;
// @ts-expect-error — `status` is a number.
export const wrong: string = new sdk.TtsApiError({ status: 400, code: 'X', message: 'm', requestId: null }).status;
