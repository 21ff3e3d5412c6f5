/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc } from '../domain/events.js';
import { activeQuestions, askedOf, type QuestionDoc } from '../domain/questions.js';
import type { FieldIssue } from '../kernel/errors.js';
import { type CheckoutFormValues, ErrorBanner, EventHeader, type PageError } from './checkout.js';
import { Layout } from './layout.js';

/** Props of {@link CheckoutDetailsPage}. */
export interface CheckoutDetailsPageProps {
  event: EventDoc;
  publishableKey: string;
  /** The first step's fields, carried on as hidden inputs. */
  values: CheckoutFormValues;
  /** The ticket type of each ticket of the order, in order. */
  tickets: readonly string[];
  /** Whether each ticket gets its own fieldset (names, or ticket-scope questions). */
  perTicket: boolean;
  /** What was typed in this step, by field name, kept when the step is shown again. */
  typed: (name: string) => string[];
  /** Problems by field path, as the order's validation names them (`attendees.1.answers.q_…`). */
  issues?: FieldIssue[] | undefined;
  error?: PageError | undefined;
}

/** The id of the message under a field, which the field points to with `aria-describedby`. */
const errorId = (name: string) => `${name}-error`;

const FieldError: FC<{ name: string; problem: string | undefined }> = ({ name, problem }) =>
  problem ? (
    <p id={errorId(name)} class="small" style="color:#b91c1c;margin:.25rem 0 0">
      {problem}
    </p>
  ) : null;

const Optional: FC<{ required: boolean }> = ({ required }) => (required ? null : <span class="muted small"> (optional)</span>);

/** One question's control, labelled with the question, its typed value kept. */
const QuestionField: FC<{ question: QuestionDoc; name: string; typed: string[]; problem: string | undefined }> = ({ question: q, name, typed, problem }) => {
  const invalid = problem ? 'true' : undefined;
  const described = problem ? errorId(name) : undefined;
  const value = typed[0] ?? '';
  if (q.kind === 'multiple_choice') {
    return (
      <fieldset aria-describedby={described} style="border:0;padding:0;margin:.75rem 0 0">
        <legend>
          {q.label}
          <Optional required={q.required} />
        </legend>
        {q.options.map((option, k) => (
          <label for={`${name}.${k}`} style="font-weight:400">
            <input id={`${name}.${k}`} type="checkbox" name={name} value={option} checked={typed.includes(option)} /> {option}
          </label>
        ))}
        <FieldError name={name} problem={problem} />
      </fieldset>
    );
  }
  if (q.kind === 'checkbox') {
    return (
      <div style="margin-top:.75rem">
        <label for={name} style="font-weight:400">
          <input id={name} type="checkbox" name={name} value="yes" checked={typed.includes('yes')} required={q.required} aria-invalid={invalid} aria-describedby={described} />{' '}
          {q.label}
        </label>
        <FieldError name={name} problem={problem} />
      </div>
    );
  }
  const common = { id: name, name, required: q.required, 'aria-invalid': invalid, 'aria-describedby': described };
  return (
    <>
      <label for={name}>
        {q.label}
        <Optional required={q.required} />
      </label>
      {q.kind === 'choice' ? (
        <select {...common}>
          <option value="">Choose…</option>
          {q.options.map((option) => (
            <option value={option} selected={option === value}>
              {option}
            </option>
          ))}
        </select>
      ) : q.kind === 'long_text' ? (
        <textarea {...common} rows={3} maxlength={5000}>
          {value}
        </textarea>
      ) : (
        <input
          {...common}
          type={q.kind === 'date' ? 'date' : q.kind === 'phone' ? 'tel' : 'text'}
          inputmode={q.kind === 'number' ? 'decimal' : undefined}
          maxlength={q.kind === 'text' ? 500 : undefined}
          value={value}
        />
      )}
      <FieldError name={name} problem={problem} />
    </>
  );
};

/** A text field of the attendee (name, email), labelled, its typed value kept. */
const AttendeeInput: FC<{ name: string; label: string; type: string; autocomplete: string; required: boolean; typed: string; problem: string | undefined }> = (p) => (
  <>
    <label for={p.name}>
      {p.label}
      <Optional required={p.required} />
    </label>
    <input
      id={p.name}
      name={p.name}
      type={p.type}
      autocomplete={p.autocomplete}
      maxlength={p.type === 'email' ? 254 : 200}
      required={p.required}
      value={p.typed}
      aria-invalid={p.problem ? 'true' : undefined}
      aria-describedby={p.problem ? errorId(p.name) : undefined}
    />
    <FieldError name={p.name} problem={p.problem} />
  </>
);

/** Props of {@link AttendeeFields}. */
export interface AttendeeFieldsProps {
  event: EventDoc;
  /** The ticket type of each ticket, in order. */
  tickets: readonly string[];
  /** Whether each ticket gets its own fieldset (names, or ticket-scope questions). */
  perTicket: boolean;
  /** What was typed, by field name, kept when the form is shown again. */
  typed: (name: string) => string[];
  /** Problems by field path, as the order's validation names them. */
  issues?: FieldIssue[] | undefined;
}

/**
 * The issues no field of {@link AttendeeFields} shows (the count of attendees, say): the form
 * lists them above itself.
 */
export function unshownIssues(event: EventDoc, tickets: readonly string[], perTicket: boolean, issues: FieldIssue[]): FieldIssue[] {
  const questions = activeQuestions(event);
  const shown = new Set<string>([
    ...questions.filter((q) => q.scope === 'order').map((q) => `answers.${q.id}`),
    ...(perTicket
      ? tickets.flatMap((type, i) => [`attendees.${i}.name`, `attendees.${i}.email`, ...questions.filter((q) => askedOf(q, type)).map((q) => `attendees.${i}.answers.${q.id}`)])
      : []),
  ]);
  return issues.filter((i) => !shown.has(i.field));
}

/**
 * The attendee fields of an order's tickets (docs/attendee-details.md): a fieldset per ticket
 * (name, email, ticket-scope questions) and the order's questions, each field named by its path
 * in the order's validation (`attendees.1.answers.q_…`) with its problem beside it. Used by the
 * no-script checkout's second step and the waiting-list claim form.
 *
 * @example <AttendeeFields event={event} tickets={['tt_a']} perTicket typed={() => []} />
 */
export const AttendeeFields: FC<AttendeeFieldsProps> = ({ event, tickets, perTicket, typed, issues = [] }) => {
  const questions = activeQuestions(event);
  const orderQuestions = questions.filter((q) => q.scope === 'order');
  const details = event.attendee_details ?? 'none';
  const typeName = (id: string) => event.ticket_types.find((t) => t.id === id)?.name ?? id;
  const problemAt = (field: string) => {
    const found = issues.filter((i) => i.field === field).map((i) => i.message);
    return found.length > 0 ? found.join('; ') : undefined;
  };
  return (
    <>
      {perTicket
        ? tickets.map((type, i) => {
            const path = `attendees.${i}`;
            return (
              <fieldset style="border:1px solid #e5e7eb;border-radius:.5rem;padding:.75rem;margin:0 0 1rem">
                <legend>
                  Ticket {i + 1} of {tickets.length} · {typeName(type)}
                </legend>
                {details === 'none' ? null : (
                  <AttendeeInput
                    name={`${path}.name`}
                    label="Attendee's name"
                    type="text"
                    autocomplete="off"
                    required
                    typed={typed(`${path}.name`)[0] ?? ''}
                    problem={problemAt(`${path}.name`)}
                  />
                )}
                {details === 'name_email' ? (
                  <AttendeeInput
                    name={`${path}.email`}
                    label="Attendee's email (their ticket is sent there too)"
                    type="email"
                    autocomplete="off"
                    required={false}
                    typed={typed(`${path}.email`)[0] ?? ''}
                    problem={problemAt(`${path}.email`)}
                  />
                ) : null}
                {questions
                  .filter((q) => askedOf(q, type))
                  .map((q) => (
                    <QuestionField question={q} name={`${path}.answers.${q.id}`} typed={typed(`${path}.answers.${q.id}`)} problem={problemAt(`${path}.answers.${q.id}`)} />
                  ))}
              </fieldset>
            );
          })
        : null}
      {orderQuestions.length > 0 ? (
        <fieldset style="border:0;padding:0;margin:0 0 1rem">
          <legend>About your order</legend>
          {orderQuestions.map((q) => (
            <QuestionField question={q} name={`answers.${q.id}`} typed={typed(`answers.${q.id}`)} problem={problemAt(`answers.${q.id}`)} />
          ))}
        </fieldset>
      ) : null}
    </>
  );
};

/**
 * `POST /checkout/:eventId/basic`, second step, for events that ask who holds each ticket or
 * ask questions (docs/attendee-details.md): a fieldset per ticket (name, email, ticket-scope
 * questions) and the order's questions. Each field is named by its path in the order's
 * validation, so a refused answer is shown beside its field. The first step's fields travel on
 * as hidden inputs: without script, the form itself is the only state.
 *
 * @example return renderPage(c, <CheckoutDetailsPage event={event} publishableKey={pk} values={values} tickets={['tt_a']} perTicket typed={() => []} />);
 */
export const CheckoutDetailsPage: FC<CheckoutDetailsPageProps> = ({ event, publishableKey, values, tickets, perTicket, typed, issues = [], error }) => {
  const unshown = unshownIssues(event, tickets, perTicket, issues);
  const banner = error ? { message: issues.length > unshown.length ? `${error.message} The fields to fix are marked.` : error.message, issues: unshown } : undefined;
  const carried: Array<[string, string]> = [
    ['step', 'details'],
    ['name', values.name],
    ['email', values.email],
    ['phone', values.phone],
    ['amount', values.amount],
    ['company', values.company ?? ''],
    ['billing_address', values.billingAddress ?? ''],
    ['gstin', values.gstin ?? ''],
    ['promo_code', values.promoCode ?? ''],
    ...Object.entries(values.quantities).map(([id, qty]): [string, string] => [`qty_${id}`, qty]),
  ];
  return (
    <Layout title={`Tickets · ${event.name}`} referrer="same-origin">
      <EventHeader event={event} />
      <form class="card" method="post" action={`/checkout/${event._id}/basic?key=${encodeURIComponent(publishableKey)}`}>
        <ErrorBanner error={banner} />
        {carried.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <AttendeeFields event={event} tickets={tickets} perTicket={perTicket} typed={typed} issues={issues} />
        <div class="actions">
          <button class="btn" type="submit">
            Continue
          </button>
          <button class="btn secondary" type="submit" name="back" value="1" formnovalidate>
            Change tickets
          </button>
        </div>
      </form>
    </Layout>
  );
};
