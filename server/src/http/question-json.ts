import type { PublicQuestion, Question } from '@trendy-tickets/sdk';
import type { QuestionDoc } from '../domain/questions.js';

/** A question as checkout sees it: what to ask and how it is answered. */
export function toPublicQuestionJson(doc: QuestionDoc): PublicQuestion {
  return {
    id: doc.id,
    label: doc.label,
    kind: doc.kind,
    options: [...doc.options],
    required: doc.required,
    scope: doc.scope,
    ticket_types: doc.ticket_types === null ? null : [...doc.ticket_types],
    position: doc.position,
  };
}

/** A question as its organizer sees it. */
export function toQuestionJson(doc: QuestionDoc, event: string): Question {
  return { ...toPublicQuestionJson(doc), object: 'question', created_at: doc.created_at.toISOString(), event };
}
