/**
 * The rules an event and an edit of its ticket types must keep, beyond the shapes checked at
 * the edge; each failure names its field (docs/api-conventions.md#errors).
 */
import { AppError, type FieldIssue } from '../kernel/errors.js';
import type { EventDoc, EventInput, TicketTypeInput } from './events.js';

/**
 * The rules that span fields (shapes are checked at the edge). Reports every
 * broken rule at once, each naming its field.
 */
export function checkEventRules(e: EventInput): void {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  if (e.ends_at <= e.starts_at) add('ends_at', 'must be after starts_at');
  if (e.sales_start_at && e.sales_end_at && e.sales_end_at <= e.sales_start_at) {
    add('sales_end_at', 'must be after sales_start_at');
  }
  if (e.sales_end_at && e.sales_end_at > e.ends_at) add('sales_end_at', 'must not be after ends_at');
  if (e.valid_from && e.valid_until && e.valid_until <= e.valid_from) add('valid_until', 'must be after valid_from');
  if (e.open_amount && e.open_amount.min > e.open_amount.max) add('open_amount.min', 'must not exceed open_amount.max');
  if (e.ticket_types.length === 0) add('ticket_types', 'must have at least one ticket type');
  // The place of supply of admission is where the event is held (docs/gst.md): a taxed ticket needs it.
  const taxed = e.ticket_types.findIndex((t) => t.tax_rate != null);
  if (taxed >= 0 && !e.venue_state) add('venue_state', `is needed when a ticket type has a tax rate (ticket_types.${taxed}.tax_rate)`);
  const names = new Set<string>();
  e.ticket_types.forEach((t, i) => {
    if (t.capacity != null && t.capacity > e.capacity) add(`ticket_types.${i}.capacity`, "must not exceed the event's capacity");
    const key = t.name.toLowerCase();
    if (names.has(key)) add(`ticket_types.${i}.name`, 'must be unique within the event');
    names.add(key);
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The event is not valid.', issues);
}

/**
 * The ids an edit sends must each name one existing type, once. A second copy of an id, or an
 * id the event does not have, would otherwise be planned as a new type with fresh counters:
 * its sold and held seats would drop to zero and could be sold again.
 */
export function checkTicketTypeIds(current: EventDoc, inputs: readonly TicketTypeInput[]): void {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  inputs.forEach((t, i) => {
    if (t.id === undefined) return;
    if (seen.has(t.id)) issues.push({ field: `ticket_types.${i}.id`, message: 'appears more than once; send each ticket type once' });
    else if (!current.ticket_types.some((c) => c.id === t.id)) issues.push({ field: `ticket_types.${i}.id`, message: 'is not a ticket type of this event' });
    seen.add(t.id);
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The event is not valid.', issues);
}
