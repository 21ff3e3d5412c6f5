import type { CheckinList, CheckinPass } from '@trendy-tickets/sdk';
import { type CheckinListDoc, type CheckinPassDoc, DEFAULT_LIST } from '../domain/checkin-lists.js';

const isoOrNull = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** A check-in list on the wire, with its counters (docs/domain-rules.md#check-in-lists). */
export function toCheckinListJson(doc: CheckinListDoc): CheckinList {
  return {
    id: doc._id,
    object: 'checkin_list',
    event: doc.event,
    name: doc.name,
    default: doc._id === DEFAULT_LIST,
    ticket_types: doc.ticket_types,
    window: doc.window ? { opens_at: isoOrNull(doc.window.opens_at), closes_at: isoOrNull(doc.window.closes_at) } : null,
    reentry: doc.reentry,
    admitted: doc.admitted,
    inside: doc.inside,
    created_at: doc.created_at.toISOString(),
  };
}

/** A ticket's state on a named list. */
export function toCheckinPassJson(doc: CheckinPassDoc): CheckinPass {
  return {
    object: 'checkin_pass',
    list: doc.list,
    ticket: doc.ticket,
    inside: doc.inside,
    moves: doc.moves,
    first_at: doc.first_at.toISOString(),
    first_by: doc.first_by,
    last_at: doc.last_at.toISOString(),
  };
}
