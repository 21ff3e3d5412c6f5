import { AppError } from '../kernel/errors.js';

/**
 * Refuses a promo code given to the public event view or to a new order. This server keeps no
 * promo codes yet, so every code is `unknown`: refused rather than ignored, so a buyer is never
 * told a discount applies when none does (docs/api-conventions.md#errors).
 *
 * @example refuseUnknownPromoCode(input.promo_code); // throws PROMO_CODE_INVALID for any code
 */
export function refuseUnknownPromoCode(code: string | undefined): void {
  if (code === undefined) return;
  throw new AppError('PROMO_CODE_INVALID', 'No promo code of this event has that name.', { reason: 'unknown' });
}
