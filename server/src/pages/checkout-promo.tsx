/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc, TicketTypeDoc } from '../domain/events.js';
import type { PromoCodeDoc } from '../domain/promo-codes.js';
import { promoDiscounts } from '../domain/promo-pricing.js';
import { rupees } from './layout.js';

/** What the page needs of an applied code: never its limits or uses. */
export type ShownPromo = Pick<PromoCodeDoc, 'code' | 'kind' | 'value' | 'ticket_types' | 'unlocks' | 'max_per_order'>;

/** The ticket types the form offers: hidden ones only when the applied code unlocks them (docs/promo-codes.md#hidden-ticket-types). */
export function offeredTypes(event: EventDoc, promo: ShownPromo | undefined): TicketTypeDoc[] {
  return event.ticket_types.filter((t) => !t.hidden || (promo?.unlocks.includes(t.id) ?? false));
}

/** One ticket's price after the code, or null when the code does not discount this type. */
export function promoPrice(promo: ShownPromo | undefined, type: Pick<TicketTypeDoc, 'id' | 'price'>): number | null {
  if (!promo) return null;
  const [line] = promoDiscounts(promo, [{ ticket_type: type.id, quantity: 1, unit_price: type.price }]);
  return line ? type.price - line.each : null;
}

/**
 * The code's discount in words, as the buyer sees it above the tickets; for an open-amount
 * event, above the amount, which the discount comes off (one ticket at that price).
 */
export function promoSummary(promo: ShownPromo, openAmount = false): string {
  if (openAmount) return `Promo code ${promo.code} applied: ${promo.kind === 'percent' ? `${promo.value}%` : rupees(promo.value)} off the amount you choose.`;
  const off = promo.kind === 'percent' ? `${promo.value}% off` : `${rupees(promo.value)} off each ticket`;
  const which = promo.ticket_types === null ? '' : ' the tickets marked below';
  const limit = promo.max_per_order === null ? '' : ` (up to ${promo.max_per_order} ${promo.max_per_order === 1 ? 'ticket' : 'tickets'} per order)`;
  return `Promo code ${promo.code} applied: ${off}${which}${limit}.`;
}

/** Props of {@link PromoCodeForm}. */
export interface PromoCodeFormProps {
  event: EventDoc;
  publishableKey: string;
  /** The code as typed, kept when it was refused. */
  typed: string;
  promo?: ShownPromo | undefined;
  /** Why the typed code cannot be used, in words. */
  error?: string | undefined;
}

/**
 * The promo code field of the no-script checkout: its own GET form, so applying a code is
 * just opening `?promo_code=` (as the public event API takes it) and needs no script. It sits
 * above the order form, before anything else is typed, so nothing typed is lost.
 *
 * @example <PromoCodeForm event={event} publishableKey={pk} typed="EARLY" promo={promo} />
 */
export const PromoCodeForm: FC<PromoCodeFormProps> = ({ event, publishableKey, typed, promo, error }) => (
  <form class="card" method="get" action={`/checkout/${event._id}/basic`}>
    <input type="hidden" name="key" value={publishableKey} />
    <label for="promo_code">
      Promo code <span class="muted small">(optional)</span>
    </label>
    <div class="row">
      <input
        id="promo_code"
        name="promo_code"
        maxlength={100}
        autocapitalize="characters"
        value={typed}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'promo_code-error' : promo ? 'promo_code-applied' : undefined}
      />
      <button class="btn secondary" type="submit">
        Apply
      </button>
    </div>
    {error ? (
      <p id="promo_code-error" class="banner bad small" role="alert">
        {error}
      </p>
    ) : promo ? (
      <p id="promo_code-applied" class="banner ok small" role="status">
        {promoSummary(promo, Boolean(event.open_amount))}
      </p>
    ) : null}
  </form>
);
