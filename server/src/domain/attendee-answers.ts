/**
 * Checks what a buyer tells about the order and each ticket's attendee against the event's
 * settings and questions (docs/attendee-details.md), and reports every problem at once, each
 * with the path of the field (`attendees.1.answers.q_…`). Shapes were checked at the edge;
 * this is what only the event can say: which questions exist, their kinds and options, which
 * are required, and which ticket types each is asked of.
 */
import { PHONE_MESSAGE, PHONE_PATTERN, type AnswerValue } from '@trendy-tickets/sdk';
import { AppError, type FieldIssue } from '../kernel/errors.js';
import type { EventDoc } from './events.js';
import { activeQuestions, askedOf, type QuestionDoc } from './questions.js';

export const MAX_TEXT = 500;
export const MAX_LONG_TEXT = 5000;

/** Answers by question id, as stored on orders and tickets. */
export type Answers = Record<string, AnswerValue>;

/** One ticket's attendee as the order keeps it, by the ticket's position in the order. */
export interface AttendeeDoc {
  ticket_type: string;
  name: string | null;
  email: string | null;
  answers: Answers;
}

/** What the buyer sent about attendees and answers. */
export interface AttendeeInput {
  attendees?: Array<{ ticket_type: string; name?: string | undefined; email?: string | undefined; answers?: Record<string, AnswerValue> | undefined }> | undefined;
  answers?: Record<string, AnswerValue> | undefined;
}

/** An empty text or list counts as no answer, so an untouched optional field can be sent as it is. */
function given(value: AnswerValue | undefined): value is AnswerValue {
  return value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
}

/** Why a value is not an answer to the question, or null when it is one. */
export function answerProblem(question: QuestionDoc, value: AnswerValue): string | null {
  switch (question.kind) {
    case 'text':
    case 'long_text': {
      const max = question.kind === 'text' ? MAX_TEXT : MAX_LONG_TEXT;
      if (typeof value !== 'string') return 'must be text';
      return value.length > max ? `must be at most ${max} characters` : null;
    }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'choice':
      return typeof value === 'string' && question.options.includes(value) ? null : `must be one of: ${question.options.join(', ')}`;
    case 'multiple_choice':
      if (!Array.isArray(value) || value.some((v) => !question.options.includes(v))) return `must be a list of: ${question.options.join(', ')}`;
      return new Set(value).size === value.length ? null : 'must name each choice once';
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : 'must be a date as YYYY-MM-DD';
    case 'phone':
      return typeof value === 'string' && PHONE_PATTERN.test(value.trim()) ? null : PHONE_MESSAGE;
  }
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Checks one set of answers against the questions that apply, adding an issue under `path`
 * for each unknown id, missing required answer and wrong value; returns what to store.
 */
function checkAnswers(asked: readonly QuestionDoc[], sent: Record<string, AnswerValue>, path: string, issues: FieldIssue[]): Answers {
  const byId = new Map(asked.map((q) => [q.id, q]));
  const kept: Answers = {};
  for (const [id, value] of Object.entries(sent)) {
    const question = byId.get(id);
    if (!question) {
      issues.push({ field: `${path}.${id}`, message: 'is not a question asked here' });
      continue;
    }
    if (!given(value)) continue;
    const problem = answerProblem(question, value);
    if (problem) issues.push({ field: `${path}.${id}`, message: problem });
    else kept[id] = question.kind === 'phone' && typeof value === 'string' ? value.trim() : value;
  }
  for (const question of asked) {
    if (!question.required) continue;
    const value = sent[question.id];
    // A required checkbox is a consent: it must be ticked.
    if (!given(value) || (question.kind === 'checkbox' && value === false)) issues.push({ field: `${path}.${question.id}`, message: 'is required' });
  }
  return kept;
}

/**
 * The attendees and order answers to store for an order of these priced lines, or
 * VALIDATION_FAILED naming every problem. Attendees follow the items, each item's tickets
 * together, so attendee `i` holds the order's ticket `i`.
 *
 * @example
 * const { attendees, answers } = checkAttendees(event, items, input);
 */
export function checkAttendees(
  event: EventDoc,
  items: ReadonlyArray<{ ticket_type: string; quantity: number }>,
  input: AttendeeInput,
): { attendees: AttendeeDoc[] | null; answers: Answers } {
  const issues: FieldIssue[] = [];
  const questions = activeQuestions(event);
  const details = event.attendee_details ?? 'none';
  const ticketTypes = items.flatMap((i) => Array.from({ length: i.quantity }, () => i.ticket_type));

  const answers = checkAnswers(
    questions.filter((q) => q.scope === 'order'),
    input.answers ?? {},
    'answers',
    issues,
  );

  let attendees: AttendeeDoc[] | null = null;
  if (input.attendees === undefined) {
    const needed = details !== 'none' || ticketTypes.some((type) => questions.some((q) => q.required && askedOf(q, type)));
    if (needed) issues.push({ field: 'attendees', message: `must give one attendee per ticket (${ticketTypes.length})` });
  } else if (input.attendees.length !== ticketTypes.length) {
    issues.push({ field: 'attendees', message: `must give one attendee per ticket: ${ticketTypes.length}, in the order of items` });
  } else {
    attendees = input.attendees.map((attendee, i) => {
      const path = `attendees.${i}`;
      const type = ticketTypes[i] as string;
      if (attendee.ticket_type !== type) issues.push({ field: `${path}.ticket_type`, message: `must be ${type}: attendees follow the order of items` });
      const name = attendee.name?.trim() || null;
      if (details !== 'none' && name === null) issues.push({ field: `${path}.name`, message: 'is required' });
      if (attendee.email !== undefined && details !== 'name_email') issues.push({ field: `${path}.email`, message: 'is not asked for this event' });
      const kept = checkAnswers(
        questions.filter((q) => askedOf(q, type)),
        attendee.answers ?? {},
        `${path}.answers`,
        issues,
      );
      return { ticket_type: type, name, email: attendee.email?.toLowerCase() ?? null, answers: kept };
    });
  }
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The order is not valid.', issues);
  return { attendees, answers };
}
