/**
 * The event form: what an organizer types (wall-clock times at the venue, rupees, one
 * origin per line) turned into exactly the body `POST /v1/events` and `PATCH
 * /v1/events/:id` take, then checked by the API's own schemas, so the console can never
 * accept what the API refuses. Every problem comes back keyed by the form field it is about.
 */
import { rupeesInput, toPaise } from '@trendy-tickets/sdk';
import type { z } from 'zod';
import { DEFAULT_HOLD_MINUTES, DEFAULT_MAX_PER_ORDER, DEFAULT_TIMEZONE, type EventDoc, type TicketTypeInput } from '../domain/events.js';
import type { FieldIssue } from '../kernel/errors.js';
import { instantToZonedWallTime, isTimeZone, zonedWallTimeToInstant } from '../kernel/zoned-time.js';
import { CreateEventBody, UpdateEventBody } from '../http/schemas/events.js';
import type { FieldErrors } from './pages/fields.js';

/** The form's fields as typed; checkboxes are `'on'` or `''`. */
export interface EventFormValues {
  name: string;
  description: string;
  venue: string;
  starts_at: string;
  ends_at: string;
  timezone: string;
  capacity: string;
  sales_start_at: string;
  sales_end_at: string;
  valid_from: string;
  valid_until: string;
  allowed_origins: string;
  open_amount_enabled: string;
  open_amount_min: string;
  open_amount_max: string;
  require_email_verification: string;
  hold_minutes: string;
  status: string;
  attendee_details: string;
}

/** One ticket-type row: an existing type (with `id`) or a new one. */
export interface TicketTypeRow {
  id: string;
  name: string;
  price: string;
  capacity: string;
  max_per_order: string;
  /** `on`: sold only with a promo code that unlocks it (docs/promo-codes.md). */
  hidden: string;
  /** Existing types only: drop it (allowed while none are sold or held). */
  remove: string;
}

/** The whole form as typed. */
export interface EventForm {
  values: EventFormValues;
  ticketTypes: TicketTypeRow[];
}

export type CreateEventParsed = z.output<typeof CreateEventBody>;
export type UpdateEventParsed = z.output<typeof UpdateEventBody>;

/** Blank rows offered for adding ticket types. */
export const NEW_TYPE_ROWS = 2;
/** The API's own limit on ticket types. */
const MAX_TYPE_ROWS = 50;
const TIMES = ['starts_at', 'ends_at', 'sales_start_at', 'sales_end_at', 'valid_from', 'valid_until'] as const;

const blankRow = (): TicketTypeRow => ({ id: '', name: '', price: '', capacity: '', max_per_order: '', hidden: '', remove: '' });

/**
 * A new event's form: Indian time, 100 seats, email codes on, one ticket type to fill in.
 *
 * @example
 * const form = blankEventForm();
 */
export function blankEventForm(): EventForm {
  return {
    values: {
      name: '',
      description: '',
      venue: '',
      starts_at: '',
      ends_at: '',
      timezone: DEFAULT_TIMEZONE,
      capacity: '100',
      sales_start_at: '',
      sales_end_at: '',
      valid_from: '',
      valid_until: '',
      allowed_origins: '',
      open_amount_enabled: '',
      open_amount_min: '',
      open_amount_max: '',
      require_email_verification: 'on',
      hold_minutes: String(DEFAULT_HOLD_MINUTES),
      status: 'published',
      attendee_details: 'none',
    },
    ticketTypes: [{ ...blankRow(), max_per_order: String(DEFAULT_MAX_PER_ORDER) }, ...Array.from({ length: NEW_TYPE_ROWS }, blankRow)],
  };
}

/**
 * An existing event's form, with times shown as the wall clock at the venue and money in rupees.
 *
 * @example
 * const form = eventFormOf(event);
 */
export function eventFormOf(event: EventDoc): EventForm {
  const tz = event.timezone;
  const time = (d: Date | null) => (d ? instantToZonedWallTime(d, tz) : '');
  return {
    values: {
      name: event.name,
      description: event.description ?? '',
      venue: event.venue ?? '',
      starts_at: time(event.starts_at),
      ends_at: time(event.ends_at),
      timezone: tz,
      capacity: String(event.capacity),
      sales_start_at: time(event.sales_start_at),
      sales_end_at: time(event.sales_end_at),
      valid_from: time(event.valid_from),
      valid_until: time(event.valid_until),
      allowed_origins: event.allowed_origins.join('\n'),
      open_amount_enabled: event.open_amount ? 'on' : '',
      open_amount_min: event.open_amount ? rupeesInput(event.open_amount.min) : '',
      open_amount_max: event.open_amount ? rupeesInput(event.open_amount.max) : '',
      require_email_verification: event.require_email_verification ? 'on' : '',
      hold_minutes: String(event.hold_minutes),
      status: event.status === 'draft' ? 'draft' : 'published',
      attendee_details: event.attendee_details ?? 'none',
    },
    ticketTypes: [
      ...event.ticket_types.map((t) => ({
        id: t.id,
        name: t.name,
        price: rupeesInput(t.price),
        capacity: t.capacity === null ? '' : String(t.capacity),
        max_per_order: String(t.max_per_order),
        hidden: t.hidden ? 'on' : '',
        remove: '',
      })),
      ...Array.from({ length: NEW_TYPE_ROWS }, blankRow),
    ],
  };
}

/**
 * The form as posted. Ticket-type rows are read as `ticket_types.<n>.<field>`, as many as
 * were sent (up to the API's 50 and a few blank ones).
 *
 * @example
 * const form = readEventForm(await c.req.parseBody());
 */
export function readEventForm(body: Record<string, string>): EventForm {
  const blank = blankEventForm().values;
  const values = Object.fromEntries(
    Object.keys(blank).map((k) => [k, k === 'open_amount_enabled' || k === 'require_email_verification' ? (body[k] === 'on' ? 'on' : '') : (body[k] ?? '')]),
  ) as unknown as EventFormValues;
  const rows: TicketTypeRow[] = [];
  for (let i = 0; i < MAX_TYPE_ROWS + NEW_TYPE_ROWS; i++) {
    const field = (name: keyof TicketTypeRow) => body[`ticket_types.${i}.${name}`];
    if (field('name') === undefined && field('price') === undefined && field('id') === undefined) break;
    rows.push({
      id: field('id') ?? '',
      name: field('name') ?? '',
      price: field('price') ?? '',
      capacity: field('capacity') ?? '',
      max_per_order: field('max_per_order') ?? '',
      hidden: field('hidden') === 'on' ? 'on' : '',
      remove: field('remove') === 'on' ? 'on' : '',
    });
  }
  return { values, ticketTypes: rows };
}

/**
 * Keeps a form with room for new types: a re-shown form always ends in blank rows.
 *
 * @example
 * return renderConsole(c, <EventFormPage form={withBlankRows(form)} … />, 400);
 */
export function withBlankRows(form: EventForm): EventForm {
  const trailing = [...form.ticketTypes].reverse().findIndex((r) => r.id || r.name.trim() || r.price.trim());
  const blanks = trailing === -1 ? form.ticketTypes.length : trailing;
  const missing = Math.max(0, NEW_TYPE_ROWS - blanks);
  return { ...form, ticketTypes: [...form.ticketTypes, ...Array.from({ length: missing }, blankRow)] };
}

const isBlankRow = (r: TicketTypeRow) => !r.id && !r.name.trim() && !r.price.trim() && !r.capacity.trim();

/** Where a problem reported for an API field shows in the form. */
function formField(apiField: string, typeRows: number[]): string {
  // A problem with the list as a whole shows at its first row, which has an input to point at.
  if (apiField === 'ticket_types') return `ticket_types.${typeRows[0] ?? 0}.name`;
  const type = /^ticket_types\.(\d+)(?:\.(\w+))?/.exec(apiField);
  if (type) {
    const row = typeRows[Number(type[1])] ?? typeRows[0] ?? 0;
    return `ticket_types.${row}.${type[2] === 'id' || !type[2] ? 'name' : type[2]}`;
  }
  if (apiField.startsWith('open_amount')) return apiField === 'open_amount.max' ? 'open_amount_max' : 'open_amount_min';
  if (apiField.startsWith('allowed_origins')) return 'allowed_origins';
  return apiField;
}

/**
 * Turns API problems (from the schema or the domain) into per-field form errors. An origin
 * problem names its line; the first problem of a field is the one shown.
 *
 * @example
 * formErrors([{ field: 'ticket_types.0.price', message: 'must not be negative' }], [0]); // { 'ticket_types.0.price': 'must not be negative' }
 */
export function formErrors(issues: readonly FieldIssue[], typeRows: number[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = formField(issue.field, typeRows);
    const line = /^allowed_origins\.(\d+)$/.exec(issue.field);
    const message = line ? `line ${Number(line[1]) + 1}: ${issue.message}` : issue.message;
    errors[field] ??= message;
  }
  return errors;
}

/** The result of checking a form: the API body when it is valid, and every problem otherwise. */
export interface CheckedEventForm<T> {
  input?: T;
  errors: FieldErrors;
  /** Position in the API's `ticket_types` → row of the form, for mapping later domain errors. */
  typeRows: number[];
}

/**
 * Checks a form against the API's rules for creating (`mode: 'create'`) or editing an
 * event. Conversion problems (a time that is not a time, rupees that are not money) and
 * the API schema's own problems are reported together, each under its field.
 *
 * @example
 * const { input, errors } = checkEventForm(form, 'create');
 * if (input) await services.events.create(owner, input);
 */
export function checkEventForm(form: EventForm, mode: 'create'): CheckedEventForm<CreateEventParsed>;
export function checkEventForm(form: EventForm, mode: 'update'): CheckedEventForm<UpdateEventParsed>;
export function checkEventForm(form: EventForm, mode: 'create' | 'update'): CheckedEventForm<CreateEventParsed | UpdateEventParsed> {
  const v = form.values;
  const errors: FieldErrors = {};
  const fail = (field: string, message: string) => {
    errors[field] ??= message;
  };
  const timezone = v.timezone.trim() || DEFAULT_TIMEZONE;
  // With an unknown zone the times are read as UTC, only so their own problems still show.
  const zone = isTimeZone(timezone) ? timezone : 'UTC';

  const body: Record<string, unknown> = {
    name: v.name,
    description: v.description.trim() === '' ? null : v.description.replace(/\r\n?/g, '\n'),
    venue: v.venue.trim() === '' ? null : v.venue,
    timezone,
    require_email_verification: v.require_email_verification === 'on',
    status: v.status === 'draft' ? 'draft' : 'published',
    // Left out when not sent, so a form without the field keeps the event's setting; the schema refuses anything unknown.
    ...(v.attendee_details === '' ? {} : { attendee_details: v.attendee_details }),
    allowed_origins: v.allowed_origins
      .split(/[\r\n,]+/)
      .map((line) => line.trim().replace(/\/+$/, ''))
      .filter((line) => line !== ''),
  };

  for (const field of TIMES) {
    const typed = v[field].trim();
    const required = field === 'starts_at' || field === 'ends_at';
    if (typed === '') {
      if (required) fail(field, 'enter a date and time');
      else body[field] = null;
      continue;
    }
    const instant = zonedWallTimeToInstant(typed, zone);
    if (!instant) fail(field, 'enter a date and time, such as 2030-06-08 19:30');
    else body[field] = instant.toISOString();
  }

  const wholeNumber = (field: string, typed: string, what: string): number | undefined => {
    if (!/^\d{1,9}$/.test(typed.trim())) {
      fail(field, typed.trim() === '' ? `enter ${what}` : 'must be a whole number');
      return undefined;
    }
    return Number(typed.trim());
  };
  body.capacity = wholeNumber('capacity', v.capacity, 'the number of seats');
  body.hold_minutes = v.hold_minutes.trim() === '' ? undefined : wholeNumber('hold_minutes', v.hold_minutes, 'minutes');

  if (v.open_amount_enabled === 'on') {
    const min = toPaise(v.open_amount_min);
    const max = toPaise(v.open_amount_max);
    if (min === null) fail('open_amount_min', 'enter an amount in rupees, such as 500 or 499.50');
    if (max === null) fail('open_amount_max', 'enter an amount in rupees, such as 50000');
    body.open_amount = min !== null && max !== null ? { min, max } : undefined;
  } else {
    body.open_amount = null;
  }

  const typeRows: number[] = [];
  const types: TicketTypeInput[] = [];
  form.ticketTypes.forEach((row, i) => {
    if (isBlankRow(row) || (row.id && row.remove === 'on')) return;
    const field = (name: string) => `ticket_types.${i}.${name}`;
    const price = toPaise(row.price);
    if (price === null) fail(field('price'), row.price.trim() === '' ? 'enter a price in rupees (0 for free)' : 'enter a price in rupees, such as 499 or 499.50');
    const capacity = row.capacity.trim() === '' ? null : wholeNumber(field('capacity'), row.capacity, 'seats');
    const maxPerOrder = row.max_per_order.trim() === '' ? undefined : wholeNumber(field('max_per_order'), row.max_per_order, 'a number');
    typeRows.push(i);
    types.push({
      ...(row.id && mode === 'update' ? { id: row.id } : {}),
      name: row.name,
      price: price ?? 0,
      capacity: capacity === undefined ? null : capacity,
      ...(maxPerOrder === undefined ? {} : { max_per_order: maxPerOrder }),
      // The checkbox is the whole truth about the flag: unticked is visible.
      hidden: row.hidden === 'on',
    });
  });
  if (types.length === 0 && !Object.keys(errors).some((f) => f.startsWith('ticket_types'))) fail('ticket_types.0.name', 'add at least one ticket type');
  body.ticket_types = types;

  const schema = mode === 'create' ? CreateEventBody : UpdateEventBody;
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    for (const [field, message] of Object.entries(formErrors(issues, typeRows))) fail(field, message);
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors, typeRows };
  return { input: parsed.data, errors, typeRows };
}

const LABELS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  venue: 'Venue',
  starts_at: 'Starts',
  ends_at: 'Ends',
  timezone: 'Time zone',
  capacity: 'Capacity',
  sales_start_at: 'Sales open',
  sales_end_at: 'Sales close',
  valid_from: 'Tickets admit from',
  valid_until: 'Tickets admit until',
  allowed_origins: 'Allowed origins',
  open_amount_min: 'Lowest amount',
  open_amount_max: 'Highest amount',
  require_email_verification: 'Email verification',
  hold_minutes: 'Hold time',
  status: 'Status',
  attendee_details: 'Attendee details',
  ticket_types: 'Ticket types',
};
const TYPE_LABELS: Record<string, string> = { name: 'name', price: 'price', capacity: 'seats', max_per_order: 'most per order' };

/**
 * The label an error summary shows for a form field.
 *
 * @example
 * eventFieldLabel('ticket_types.1.price'); // 'Ticket type 2: price'
 */
export function eventFieldLabel(field: string): string {
  const type = /^ticket_types\.(\d+)\.(\w+)$/.exec(field);
  if (type) return `Ticket type ${Number(type[1]) + 1}: ${labelIn(TYPE_LABELS, type[2] as string)}`;
  return labelIn(LABELS, field);
}

/** The label for `field`, or the field's own name; own entries only, so `constructor` is just a name. */
function labelIn(labels: Readonly<Record<string, string>>, field: string): string {
  return Object.hasOwn(labels, field) ? (labels[field] as string) : field;
}
