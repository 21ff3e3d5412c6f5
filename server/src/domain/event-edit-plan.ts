/**
 * Turns an event edit into one conditional update, so capacity changes can never let sold +
 * held exceed the new capacity (docs/domain-rules.md#capacity).
 */
import { AppError, type FieldIssue } from '../kernel/errors.js';
import { type Filter, op, type Update } from '../store/port.js';
import { editableFields, toTicketTypes } from './event-fields.js';
import { checkTicketTypeIds } from './event-rules.js';
import type { EventDoc, EventInput } from './events.js';

/**
 * Plans the one conditional update that turns `current` into `next`: capacity
 * changes move the `available` counters by the difference, and every decrease
 * is guarded in the filter so sold + held can never exceed the new capacity,
 * even against holds taken between our read and our write.
 */
export function planEdit(current: EventDoc, next: EventInput, now: Date): { filter: Filter; update: Update } {
  checkTicketTypeIds(current, next.ticket_types);
  const filter: Filter = { _id: current._id, rev: current.rev };
  const set: Record<string, unknown> = { ...editableFields(next), rev: current.rev + 1, updated_at: now };
  const inc: Record<string, number> = {};
  const unset: Record<string, ''> = {};
  const conflicts: FieldIssue[] = [];

  const capDelta = next.capacity - current.capacity;
  if (capDelta !== 0) inc['inventory.available'] = capDelta;
  if (capDelta < 0) {
    if (current.inventory.available < -capDelta) {
      conflicts.push({ field: 'capacity', message: `must be at least ${current.inventory.sold + current.inventory.held} (sold + held)` });
    }
    filter['inventory.available'] = op.gte(-capDelta);
  }

  const nextTypes = toTicketTypes(next.ticket_types, current.ticket_types);
  const known = new Map(current.ticket_types.map((t) => [t.id, t]));
  nextTypes.forEach((t, i) => {
    const path = `inventory.types.${t.id}`;
    const before = known.get(t.id);
    const counters = current.inventory.types[t.id] ?? { sold: 0, held: 0 };
    if (!before) {
      // Only a type without an id gets here (checkTicketTypeIds): its id is new, so are its counters.
      set[path] = t.capacity === null ? { sold: 0, held: 0 } : { sold: 0, held: 0, available: t.capacity };
      return;
    }
    known.delete(t.id);
    if (before.capacity === t.capacity) return;
    const taken = counters.sold + counters.held;
    if (t.capacity !== null && t.capacity < taken) {
      conflicts.push({ field: `ticket_types.${i}.capacity`, message: `must be at least ${taken} (sold + held)` });
    }
    if (t.capacity === null) {
      unset[`${path}.available`] = '';
    } else if (before.capacity === null) {
      // No counter to move yet: derive it from sold + held as read, and guard that read.
      set[`${path}.available`] = t.capacity - taken;
      filter[`${path}.sold`] = counters.sold;
      filter[`${path}.held`] = counters.held;
    } else {
      const delta = t.capacity - before.capacity;
      inc[`${path}.available`] = delta;
      if (delta < 0) filter[`${path}.available`] = op.gte(-delta);
    }
  });
  for (const removed of known.values()) {
    const counters = current.inventory.types[removed.id] ?? { sold: 0, held: 0 };
    if (counters.sold + counters.held > 0) {
      conflicts.push({ field: 'ticket_types', message: `'${removed.name}' has tickets sold or held and cannot be removed` });
    }
    filter[`inventory.types.${removed.id}.sold`] = 0;
    filter[`inventory.types.${removed.id}.held`] = 0;
    unset[`inventory.types.${removed.id}`] = '';
  }
  if (conflicts.length > 0) throw new AppError('CONFLICT', 'The change conflicts with tickets already sold or held.', conflicts);

  set.ticket_types = nextTypes;
  const update: Update = { $set: set };
  if (Object.keys(inc).length > 0) update.$inc = inc;
  if (Object.keys(unset).length > 0) update.$unset = unset;
  return { filter, update };
}
