import type { Context } from 'hono';
import { AppError } from '../../kernel/errors.js';
import type { EventDoc } from '../../domain/events.js';
import type { PromoCodeDoc } from '../../domain/promo-codes.js';
import type { AppEnv } from '../context.js';
import { promoCodeText } from '../schemas/promo-codes.js';

/** A promo code the hosted form applies: the code, or why it cannot be used, in words for the buyer. */
export interface AppliedPromo {
  promo?: PromoCodeDoc | undefined;
  promoError?: string | undefined;
}

/**
 * The code the buyer typed on the no-script checkout, checked as `GET /v1/public/events/{id}?promo_code=`
 * checks it (docs/promo-codes.md): nothing for a blank field, the code when it can be used now,
 * or the reason it cannot, which the page shows beside the field.
 *
 * @example const { promo, promoError } = await applyPromo(c, event, c.req.query('promo_code'));
 */
export async function applyPromo(c: Context<AppEnv>, event: EventDoc, typed: string | undefined): Promise<AppliedPromo> {
  if (typed === undefined || typed.trim() === '') return {};
  const parsed = promoCodeText.safeParse(typed);
  if (!parsed.success) return { promoError: `That promo code ${parsed.error.issues[0]?.message ?? 'is not valid'}.` };
  try {
    return { promo: await c.var.services.promoCodes.usable(event, parsed.data) };
  } catch (err) {
    if (err instanceof AppError && err.code === 'PROMO_CODE_INVALID') return { promoError: err.message };
    throw err;
  }
}
