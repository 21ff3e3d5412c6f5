import { gstinProblem } from '@trendy-tickets/sdk';
import { AppError } from '../kernel/errors.js';
import type { CreateOrderInput, OrderBillingDoc } from './orders.js';

const GSTIN_MESSAGES = {
  length: 'must be 15 characters',
  format: 'must be a GSTIN: two digits, a PAN, an entity number, Z and a check character',
  checksum: 'has a check character that does not match; check it for a mistyped character',
} as const;

/**
 * The invoice details a buyer gave at checkout, trimmed, or null when they gave none. A GSTIN
 * is taken in capitals and must pass the GST Network's check character (docs/gst.md#who-is-taxed),
 * so a mistyped one is refused before the order exists rather than printed on an invoice.
 *
 * @throws AppError VALIDATION_FAILED naming `billing.gstin`
 * @example
 * keptBilling({ company: 'Acme Pvt Ltd', gstin: '27aapfu0939f1zv' }); // { company: 'Acme Pvt Ltd', address: null, gstin: '27AAPFU0939F1ZV' }
 */
export function keptBilling(given: CreateOrderInput['billing']): OrderBillingDoc | null {
  const clean = (value: string | null | undefined) => (value?.trim() ? value.trim() : null);
  const billing = { company: clean(given?.company), address: clean(given?.address), gstin: clean(given?.gstin)?.toUpperCase() ?? null };
  if (billing.gstin) {
    const problem = gstinProblem(billing.gstin);
    if (problem) throw new AppError('VALIDATION_FAILED', 'The billing GSTIN is not valid.', [{ field: 'billing.gstin', message: GSTIN_MESSAGES[problem] }]);
  }
  return billing.company || billing.address || billing.gstin ? billing : null;
}
