/**
 * An event's questions (docs/attendee-details.md): what checkout asks once per order
 * (`scope: 'order'`) or of each ticket's attendee (`scope: 'ticket'`).
 *
 * They live in the event's own document (`questions`), so the public event view and order
 * creation, which read the event anyway, have them without a second read. Each change is one
 * conditional update on the event's revision (`rev`), like any organizer edit, so two editors
 * cannot overwrite each other's questions. A deleted question stays in the document with
 * `deleted_at`: answers already given keep their label in the console and the CSV.
 */
import type { QuestionKind } from '@trendy-tickets/sdk';
import type { Store } from '../store/port.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound, type FieldIssue } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import type { EventDoc, Owner } from './events.js';

/** Questions an event may ask (deleted ones not counted). */
export const MAX_QUESTIONS = 50;
const MAX_EDIT_ATTEMPTS = 5;

/** The kinds whose answer is one or more of the question's `options`. */
export const CHOICE_KINDS: readonly QuestionKind[] = ['choice', 'multiple_choice'];

/** A question as stored in its event's `questions`. */
export interface QuestionDoc {
  id: string;
  label: string;
  kind: QuestionKind;
  options: string[];
  required: boolean;
  scope: 'order' | 'ticket';
  ticket_types: string[] | null;
  position: number;
  created_at: Date;
  updated_at: Date;
  /** Set when the organizer deleted it: checkout no longer asks it; answers already given keep its label. */
  deleted_at?: Date;
}

/** What an organizer sets on a question, shape-checked at the edge. */
export interface QuestionInput {
  label: string;
  kind: QuestionKind;
  options?: string[] | undefined;
  required?: boolean | undefined;
  scope?: 'order' | 'ticket' | undefined;
  ticket_types?: string[] | null | undefined;
  position?: number | undefined;
}

/** The questions checkout asks now, by position (ties: oldest first). */
export function activeQuestions(event: Pick<EventDoc, 'questions'>): QuestionDoc[] {
  return (event.questions ?? []).filter((q) => !q.deleted_at).sort((a, b) => a.position - b.position || a.created_at.getTime() - b.created_at.getTime());
}

/** Whether a ticket-scope question is asked of the attendee of a ticket of this type. */
export function askedOf(question: QuestionDoc, ticketType: string): boolean {
  return question.scope === 'ticket' && (question.ticket_types === null || question.ticket_types.includes(ticketType));
}

/** The rules that span fields: options only (and always) for choice kinds, ticket types only for ticket scope and of this event. */
function checkQuestion(event: EventDoc, q: Omit<QuestionDoc, 'id' | 'created_at' | 'updated_at'>): void {
  const issues: FieldIssue[] = [];
  const choice = CHOICE_KINDS.includes(q.kind);
  if (choice && q.options.length === 0) issues.push({ field: 'options', message: `are needed for a ${q.kind} question` });
  if (!choice && q.options.length > 0) issues.push({ field: 'options', message: `are only for choice and multiple_choice questions` });
  if (new Set(q.options).size !== q.options.length) issues.push({ field: 'options', message: 'must each appear once' });
  if (q.scope === 'order' && q.ticket_types !== null) issues.push({ field: 'ticket_types', message: 'are only for ticket-scope questions' });
  q.ticket_types?.forEach((t, i) => {
    if (!event.ticket_types.some((type) => type.id === t)) issues.push({ field: `ticket_types.${i}`, message: 'is not a ticket type of this event' });
  });
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The question is not valid.', issues);
}

const AUDITED = ['label', 'kind', 'options', 'required', 'scope', 'ticket_types', 'position'] as const;

/**
 * Creates, changes, lists and deletes an event's questions.
 *
 * @example
 * const questions = createQuestionService({ store, clock });
 * await questions.create(owner, 'evt_…', { label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], scope: 'ticket' });
 */
export function createQuestionService({
  store,
  clock,
  auditLog = createAuditLog({ store, clock }),
  onChange = () => {},
}: {
  store: Store;
  clock: Clock;
  /** The audit log (default: one over the same store). */
  auditLog?: AuditLog;
  /** Told the event whose questions changed, so cached public views of it are dropped. */
  onChange?: (eventId: string) => void;
}) {
  const events = store.collection<EventDoc>('events');

  async function eventFor(owner: Owner, id: string): Promise<EventDoc> {
    const event = await events.findOne({ _id: id, account: owner.account, livemode: owner.livemode });
    if (!event) throw notFound('event', id);
    return event;
  }

  /**
   * Applies `change` to the event's questions as last read, by one update conditional on the
   * revision read; re-reads and re-applies when another edit came first.
   */
  async function edit(owner: Owner, eventId: string, change: (event: EventDoc, questions: QuestionDoc[]) => QuestionDoc[]): Promise<EventDoc> {
    for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
      const event = await eventFor(owner, eventId);
      if (event.status === 'cancelled') throw new AppError('CONFLICT', 'A cancelled event cannot be changed.');
      const questions = change(event, event.questions ?? []);
      const updated = await events.findOneAndUpdate({ _id: eventId, rev: event.rev }, { $set: { questions, updated_at: clock.now() }, $inc: { rev: 1 } });
      if (updated) {
        onChange(eventId);
        return updated;
      }
    }
    throw new AppError('CONFLICT', 'The event is being changed by someone else; try again.');
  }

  function find(event: EventDoc, id: string): QuestionDoc {
    const question = event.questions?.find((q) => q.id === id && !q.deleted_at);
    if (!question) throw notFound('question', id);
    return question;
  }

  const audited = (audit: AuditContext | undefined, action: 'question.created' | 'question.updated' | 'question.deleted', before: QuestionDoc | null, after: QuestionDoc | null) =>
    audit ? auditLog.record(audit, { action, target: { type: 'question', id: (after ?? before)?.id ?? '' }, changes: changesBetween(before, after, AUDITED) }) : Promise.resolve();

  return {
    /** The questions checkout asks, by position. */
    async list(owner: Owner, eventId: string): Promise<QuestionDoc[]> {
      return activeQuestions(await eventFor(owner, eventId));
    },

    /**
     * Adds a question, after the last one unless a position is given.
     * @throws AppError NOT_FOUND, VALIDATION_FAILED, CONFLICT (cancelled event, or {@link MAX_QUESTIONS} reached)
     */
    async create(owner: Owner, eventId: string, input: QuestionInput, audit?: AuditContext): Promise<QuestionDoc> {
      const id = newId('q');
      const event = await edit(owner, eventId, (current, questions) => {
        const active = activeQuestions(current);
        if (active.length >= MAX_QUESTIONS) throw new AppError('CONFLICT', `An event asks at most ${MAX_QUESTIONS} questions.`);
        const now = clock.now();
        const question: QuestionDoc = {
          id,
          label: input.label,
          kind: input.kind,
          options: input.options ?? [],
          required: input.required ?? false,
          scope: input.scope ?? 'order',
          ticket_types: input.ticket_types ?? null,
          position: input.position ?? (active.at(-1)?.position ?? -1) + 1,
          created_at: now,
          updated_at: now,
        };
        checkQuestion(current, question);
        return [...questions, question];
      });
      const created = find(event, id);
      await audited(audit, 'question.created', null, created);
      return created;
    },

    /**
     * Changes the fields sent; answers already given stay as they were.
     * @throws AppError NOT_FOUND, VALIDATION_FAILED, CONFLICT (cancelled event)
     */
    async update(owner: Owner, eventId: string, id: string, input: Partial<QuestionInput>, audit?: AuditContext): Promise<QuestionDoc> {
      let before: QuestionDoc | null = null;
      const event = await edit(owner, eventId, (current, questions) => {
        before = find(current, id);
        const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
        const next: QuestionDoc = { ...before, ...defined, updated_at: clock.now() };
        // A question turned into a kind without options, or into order scope, drops what no longer applies.
        if (input.options === undefined && !CHOICE_KINDS.includes(next.kind)) next.options = [];
        if (input.ticket_types === undefined && next.scope === 'order') next.ticket_types = null;
        checkQuestion(current, next);
        return questions.map((q) => (q.id === id ? next : q));
      });
      const after = find(event, id);
      await audited(audit, 'question.updated', before, after);
      return after;
    },

    /**
     * Stops asking a question. Its answers stay on orders and tickets, shown under its label.
     * @throws AppError NOT_FOUND, CONFLICT (cancelled event)
     */
    async delete(owner: Owner, eventId: string, id: string, audit?: AuditContext): Promise<QuestionDoc> {
      let before: QuestionDoc | null = null;
      await edit(owner, eventId, (current, questions) => {
        before = find(current, id);
        const now = clock.now();
        return questions.map((q) => (q.id === id ? { ...q, deleted_at: now, updated_at: now } : q));
      });
      const deleted = before as unknown as QuestionDoc;
      await audited(audit, 'question.deleted', deleted, null);
      return deleted;
    },
  };
}

export type QuestionService = ReturnType<typeof createQuestionService>;
