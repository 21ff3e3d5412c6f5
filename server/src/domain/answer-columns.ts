/**
 * The attendee export's question columns (docs/attendee-details.md): one per question the
 * event has asked, deleted ones last so answers given to them stay readable, each filled from
 * the ticket (ticket scope) or its order (order scope).
 */
import type { AnswerValue } from '@trendy-tickets/sdk';
import type { Answers } from './attendee-answers.js';
import type { EventDoc } from './events.js';
import { activeQuestions, type QuestionDoc } from './questions.js';

/** Every question the event has asked, by position, then the deleted ones by when they were made. */
export function exportedQuestions(event: Pick<EventDoc, 'questions'>): QuestionDoc[] {
  const deleted = (event.questions ?? []).filter((q) => q.deleted_at).sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return [...activeQuestions(event), ...deleted];
}

/** A column's heading: the question's label, marked when the question was deleted. */
export function questionHeading(question: QuestionDoc): string {
  return question.deleted_at ? `${question.label} (deleted)` : question.label;
}

/** An answer as a spreadsheet cell: choices joined by `; `, a checkbox as yes or no. */
export function answerCell(value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join('; ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** The question cells of one ticket's row. */
export function answerCells(questions: readonly QuestionDoc[], ticketAnswers: Answers | undefined, orderAnswers: Answers | undefined): string[] {
  return questions.map((q) => answerCell((q.scope === 'order' ? orderAnswers : ticketAnswers)?.[q.id]));
}
