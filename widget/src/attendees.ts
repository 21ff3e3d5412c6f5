/**
 * The details step's attendee part, a part of its own fetched only for events that ask
 * (`/widget/v1/tts-checkout.attendees.js`, docs/decisions/0043-attendee-part.md):
 * a fieldset per ticket with its holder's name (and email) and its ticket-scope questions, then
 * the order-scope questions once. It keeps what was typed, checks it as `POST /v1/orders` does
 * (docs/attendee-details.md), adds `attendees` and `answers` to the order, and puts the server's
 * VALIDATION_FAILED paths back on their fields. Like the extras (decision 0042) it carries no Lit
 * of its own and renders with the `html` and `nothing` the element hands it.
 */
import type { AnswerValue, AttendeeParams, CreateOrderParams, FieldIssue, PublicEvent, PublicQuestion } from '@trendy-tickets/sdk';
import type { I18n } from './i18n.js';
import { type AttendeesKey, say } from './locales/attendees.js';
import type { Lit } from './steps/context.js';

/** What the part needs from the element: a render, and the focus put on a field by its id. */
export interface AttendeesHost {
  changed(): void;
  focus(id: string): void;
}

/** The attendee part of one checkout; the flow calls `fill` and `refused`, the details step `fields`. */
export interface Attendees {
  /** The fieldsets for the tickets chosen (`qty`, in the order the flow sends its items); nothing when the event asks nothing. */
  fields(i: I18n, event: PublicEvent, qty: Readonly<Record<string, number>>): unknown;
  /**
   * Checks every field; when all are well, adds `attendees` and `answers` to `body` and returns
   * true, else shows each problem, focuses the first and returns false.
   */
  fill(i: I18n, event: PublicEvent, body: CreateOrderParams): boolean;
  /** Shows the server's refusals that name one of the part's fields; true when any did. */
  refused(issues: readonly FieldIssue[]): boolean;
}

/** The same patterns as the buyer's fields (steps/details.ts) and the server's. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ()-]{6,19}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One ticket of the order: its type, and the id prefix of its fields (`a-<type>-<k>`, the k-th of that type). */
interface Seat {
  type: string;
  key: string;
}

/**
 * The tickets in the order `items` lists them, each type's together, as `attendees` must follow.
 * An open-amount order is one ticket of the event's first type whatever `qty` says: the
 * server makes it so (docs/attendee-details.md).
 */
function seats(event: PublicEvent, qty: Readonly<Record<string, number>>): Seat[] {
  const first = event.ticket_types[0]?.id;
  if (event.open_amount) return first ? [{ type: first, key: `a-${first}-0` }] : [];
  return Object.entries(qty).flatMap(([type, n]) => (event.ticket_types.some((t) => t.id === type) ? Array.from({ length: n }, (_, k) => ({ type, key: `a-${type}-${k}` })) : []));
}

/** Whether the event asks anything at checkout beyond the buyer's details. */
export const asks = (event: PublicEvent): boolean => event.attendee_details !== 'none' || event.questions.length > 0;

const byPosition = (qs: readonly PublicQuestion[]) => [...qs].sort((a, b) => a.position - b.position);
const ticketQuestions = (event: PublicEvent, type: string) => byPosition(event.questions.filter((q) => q.scope === 'ticket' && (!q.ticket_types || q.ticket_types.includes(type))));

/** An answer as the API takes it, or undefined for no answer (an empty string or list counts as none). */
function answer(q: PublicQuestion, raw: AnswerValue | undefined): AnswerValue | undefined {
  if (q.kind === 'checkbox') return raw === true ? true : q.required || raw === undefined ? undefined : false;
  if (Array.isArray(raw)) return raw.length ? raw : undefined;
  const s = String(raw ?? '').trim();
  if (!s) return undefined;
  return q.kind === 'number' ? Number(s) : s;
}

/** What is wrong with one answer, as the key of its message; null when it is fine. */
function problem(q: PublicQuestion, value: AnswerValue | undefined): AttendeesKey | null {
  if (value === undefined) return q.required ? (q.kind === 'checkbox' ? 'tick' : 'need') : null;
  if (q.kind === 'number' && !Number.isFinite(value)) return 'number';
  if (q.kind === 'date' && !DATE.test(String(value))) return 'date';
  if (q.kind === 'phone' && !PHONE.test(String(value))) return 'phone';
  return null;
}

/**
 * The attendee part of a checkout, rendering with `lit`.
 *
 * @example
 * const attendees = createAttendees({ html, nothing }, { changed: () => el.requestUpdate(), focus: (id) => … });
 * html`${attendees.fields(i, event, qty)}`;
 */
export function createAttendees(lit: Lit, host: AttendeesHost): Attendees {
  const { html, nothing } = lit;
  /** What was typed, by field id: names and emails as strings, answers as their inputs hold them. */
  const values: Record<string, AnswerValue> = {};
  /** Each wrong field's message, by field id. */
  let bad: Record<string, string> = {};
  /** The seats last sent, so `attendees.N` in a refusal finds its fieldset. */
  let sent: Seat[] = [];

  const set = (id: string, value: AnswerValue) => {
    values[id] = value;
    if (bad[id]) {
      // The message goes once the buyer changes the field; the next Continue checks it again.
      delete bad[id];
      host.changed();
    }
  };

  /** A label, the input, and its message tied to it. */
  function question(i: I18n, q: PublicQuestion, id: string) {
    const error = bad[id];
    const v = values[id];
    const described = error ? `${id}-e` : nothing;
    const invalid = error ? 'true' : 'false';
    const mark = q.required ? html` <span aria-hidden="true">*</span>` : nothing;
    const message = error ? html`<p id=${`${id}-e`} class="bad">${error}</p>` : nothing;
    const typed = (e: Event) => set(id, (e.target as HTMLInputElement).value);
    if (q.kind === 'checkbox')
      return html`<label class="row"><input id=${id} type="checkbox" .checked=${v === true} ?required=${q.required} aria-invalid=${invalid} aria-describedby=${described}
        @change=${(e: Event) => set(id, (e.target as HTMLInputElement).checked)} /> ${q.label}${mark}</label>${message}`;
    if (q.kind === 'multiple_choice') {
      const chosen = Array.isArray(v) ? v : [];
      return html`<fieldset id=${id} tabindex="-1" aria-invalid=${invalid} aria-describedby=${described}>
        <legend>${q.label}${mark}</legend>
        ${q.options.map(
          (o, n) => html`<label class="row"><input id=${`${id}-${n}`} type="checkbox" .checked=${chosen.includes(o)}
            @change=${(e: Event) => set(id, (e.target as HTMLInputElement).checked ? [...chosen, o] : chosen.filter((x) => x !== o))} /> ${o}</label>`,
        )}
      </fieldset>${message}`;
    }
    const input =
      q.kind === 'choice'
        ? html`<select id=${id} ?required=${q.required} aria-invalid=${invalid} aria-describedby=${described} @change=${typed}>
            <option value="">${say(i, 'pick')}</option>
            ${q.options.map((o) => html`<option .selected=${v === o}>${o}</option>`)}
          </select>`
        : q.kind === 'long_text'
          ? html`<textarea id=${id} maxlength="5000" .value=${String(v ?? '')} ?required=${q.required} aria-invalid=${invalid} aria-describedby=${described} @input=${typed}></textarea>`
          : html`<input id=${id} type=${({ number: 'number', date: 'date', phone: 'tel' } as Record<string, string>)[q.kind] ?? 'text'} maxlength=${q.kind === 'text' ? 500 : nothing}
              step=${q.kind === 'number' ? 'any' : nothing} .value=${String(v ?? '')} ?required=${q.required} aria-invalid=${invalid} aria-describedby=${described} @input=${typed} />`;
    return html`<label for=${id}>${q.label}${mark}</label>${input}${message}`;
  }

  /** The holder's name or email field. */
  function holder(i: I18n, id: string, kind: 'name' | 'email', required: boolean) {
    const error = bad[id];
    return html`<label for=${id}>${say(i, kind === 'name' ? 'holder' : 'holderEmail')}${required ? html` <span aria-hidden="true">*</span>` : nothing}</label>
      <input id=${id} type=${kind === 'name' ? 'text' : 'email'} autocomplete="off" maxlength=${kind === 'name' ? 200 : 254} .value=${String(values[id] ?? '')}
        ?required=${required} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-e` : nothing}
        @input=${(e: Event) => set(id, (e.target as HTMLInputElement).value)} />
      ${error ? html`<p id=${`${id}-e`} class="bad">${error}</p>` : nothing}`;
  }

  function fields(i: I18n, event: PublicEvent, qty: Readonly<Record<string, number>>) {
    if (!asks(event)) return nothing;
    const all = seats(event, qty);
    const mode = event.attendee_details;
    const orderQs = byPosition(event.questions.filter((q) => q.scope === 'order'));
    return html`<div part="attendees">
      ${all.map((s, n) => {
        const qs = ticketQuestions(event, s.type);
        if (mode === 'none' && qs.length === 0) return nothing;
        const type = event.ticket_types.find((t) => t.id === s.type)?.name ?? s.type;
        return html`<fieldset>
          <legend>${say(i, 'seat', { n: n + 1, total: all.length, type })}</legend>
          ${mode === 'none' ? nothing : holder(i, `${s.key}-name`, 'name', true)}
          ${mode === 'name_email' ? holder(i, `${s.key}-email`, 'email', false) : nothing}
          ${qs.map((q) => question(i, q, `${s.key}-${q.id}`))}
        </fieldset>`;
      })}
      ${orderQs.length ? html`<fieldset><legend>${say(i, 'aboutOrder')}</legend>${orderQs.map((q) => question(i, q, `o-${q.id}`))}</fieldset>` : nothing}
    </div>`;
  }

  function fill(i: I18n, event: PublicEvent, body: CreateOrderParams): boolean {
    if (!asks(event)) return true;
    bad = {};
    const answers = (qs: readonly PublicQuestion[], prefix: string) => {
      const out: Record<string, AnswerValue> = {};
      for (const q of qs) {
        const id = `${prefix}-${q.id}`;
        const value = answer(q, values[id]);
        const wrong = problem(q, value);
        if (wrong) bad[id] = say(i, wrong);
        else if (value !== undefined) out[q.id] = value;
      }
      return out;
    };
    sent = seats(event, Object.fromEntries((body.items ?? []).map((x) => [x.ticket_type, x.quantity])));
    const attendees = sent.map((s): AttendeeParams => {
      const name = String(values[`${s.key}-name`] ?? '').trim();
      const email = String(values[`${s.key}-email`] ?? '').trim();
      if (event.attendee_details !== 'none' && !name) bad[`${s.key}-name`] = say(i, 'holderBad');
      if (email && !EMAIL.test(email)) bad[`${s.key}-email`] = say(i, 'email');
      const given = answers(ticketQuestions(event, s.type), s.key);
      return { ticket_type: s.type, ...(name ? { name } : {}), ...(email ? { email } : {}), ...(Object.keys(given).length ? { answers: given } : {}) };
    });
    const orderAnswers = answers(
      event.questions.filter((q) => q.scope === 'order'),
      'o',
    );
    host.changed();
    const first = Object.keys(bad)[0];
    if (first) {
      host.focus(first);
      return false;
    }
    if (event.attendee_details !== 'none' || attendees.some((a) => a.answers)) body.attendees = attendees;
    if (Object.keys(orderAnswers).length) body.answers = orderAnswers;
    return true;
  }

  function refused(issues: readonly FieldIssue[]): boolean {
    let found = '';
    for (const { field, message } of issues) {
      // `answers.q_…`, `attendees.N.name|email`, `attendees.N.answers.q_…`.
      const m = /^(?:answers\.(\w+)|attendees\.(\d+)\.(?:answers\.(\w+)|(name|email)))$/.exec(field);
      const seat = m?.[2] === undefined ? undefined : sent[Number(m[2])];
      const id = m?.[1] ? `o-${m[1]}` : seat ? `${seat.key}-${m?.[3] ?? m?.[4]}` : '';
      if (!id) continue;
      bad[id] = message;
      found ||= id;
    }
    if (found) {
      host.changed();
      host.focus(found);
    }
    return !!found;
  }

  return { fields, fill, refused };
}
