import { z } from '@hono/zod-openapi';
import type { AnswerValue } from '@trendy-tickets/sdk';
import type { AttendeeInput } from '../../domain/attendee-answers.js';
import type { EventDoc } from '../../domain/events.js';
import { activeQuestions, askedOf, type QuestionDoc } from '../../domain/questions.js';
import type { FieldIssue } from '../../kernel/errors.js';
import { AnswersSchema, AttendeeParamsSchema } from './questions.js';

/** A posted form as `parseBody({ all: true })` reads it: a field sent more than once is a list. */
export type PostedForm = Record<string, string | File | Array<string | File>>;

/** What `POST /v1/orders` takes of attendees and answers, checked by the API's own schemas. */
const DetailsSchema = z.object({ attendees: z.array(AttendeeParamsSchema).max(2500).optional(), answers: AnswersSchema.optional() });

/** Whether the order's tickets need attendees at all: names, or a ticket-scope question asked of one of them. */
export function asksPerTicket(event: EventDoc, tickets: readonly string[]): boolean {
  const questions = activeQuestions(event);
  return (event.attendee_details ?? 'none') !== 'none' || tickets.some((type) => questions.some((q) => askedOf(q, type)));
}

/**
 * Whether the no-script checkout needs its second step for these tickets: the event asks who
 * holds each ticket, asks a question of one of them, or asks the order a question
 * (docs/attendee-details.md). A question only for VIP tickets leaves a General order one step.
 */
export function asksDetails(event: EventDoc, tickets: readonly string[]): boolean {
  return asksPerTicket(event, tickets) || activeQuestions(event).some((q) => q.scope === 'order');
}

/** Every text value posted under a field name, as typed (a multiple-choice question posts one per ticked option). */
export function postedValues(form: PostedForm, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === 'string');
}

/**
 * A form field's answer to a question, or undefined when it was left blank. Only the form's
 * encoding is undone here (a ticked box is `true`, a typed number a number); whether the
 * answer fits the question is the domain's to say, with the field's path.
 */
function answerFrom(question: QuestionDoc, typed: string[]): AnswerValue | undefined {
  const first = typed[0] ?? '';
  switch (question.kind) {
    case 'multiple_choice': {
      const ticked = typed.filter((v) => v !== '');
      return ticked.length > 0 ? ticked : undefined;
    }
    case 'checkbox':
      return typed.includes('yes') ? true : undefined;
    case 'number': {
      const trimmed = first.trim();
      if (trimmed === '') return undefined;
      // A number that does not read as one is passed on as typed, so the buyer is told "must be a number".
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : trimmed;
    }
    default:
      return first.trim() === '' ? undefined : first;
  }
}

/**
 * The attendees and answers of the checkout's second step, as `POST /v1/orders` takes them
 * (docs/attendee-details.md#answering-at-checkout), or each field's problem with its path.
 * Fields are named by that same path (`attendees.1.answers.q_…`), so the domain's issues land
 * beside the fields they are about. `tickets` is the ticket type of each ticket, in order.
 *
 * @example const { details, issues } = readDetails(form, event, ['tt_a', 'tt_a', 'tt_b']);
 */
export function readDetails(form: PostedForm, event: EventDoc, tickets: readonly string[]): { details: AttendeeInput; issues: FieldIssue[] } {
  const questions = activeQuestions(event);
  const askEmail = event.attendee_details === 'name_email';
  const first = (name: string) => (postedValues(form, name)[0] ?? '').trim();
  const answersAt = (asked: QuestionDoc[], path: string) =>
    Object.fromEntries(
      asked.flatMap((q) => {
        const value = answerFrom(q, postedValues(form, `${path}.${q.id}`));
        return value === undefined ? [] : [[q.id, value]];
      }),
    );
  const raw = {
    answers: answersAt(
      questions.filter((q) => q.scope === 'order'),
      'answers',
    ),
    attendees: asksPerTicket(event, tickets)
      ? tickets.map((type, i) => {
          const name = first(`attendees.${i}.name`);
          const email = askEmail ? first(`attendees.${i}.email`) : '';
          return {
            ticket_type: type,
            ...(name === '' ? {} : { name }),
            ...(email === '' ? {} : { email }),
            answers: answersAt(
              questions.filter((q) => askedOf(q, type)),
              `attendees.${i}.answers`,
            ),
          };
        })
      : undefined,
  };
  const parsed = DetailsSchema.safeParse(raw);
  if (!parsed.success) return { details: {}, issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
  return { details: parsed.data, issues: [] };
}
