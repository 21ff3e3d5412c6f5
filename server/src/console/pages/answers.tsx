/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { answerCell, exportedQuestions, questionHeading } from '../../domain/answer-columns.js';
import type { Answers } from '../../domain/attendee-answers.js';
import type { EventDoc } from '../../domain/events.js';

/** Each answer given, under its question's label (deleted questions too, marked), in the event's order of questions. */
export function answeredPairs(event: Pick<EventDoc, 'questions'>, answers: Answers | undefined): Array<[string, string]> {
  if (!answers) return [];
  return exportedQuestions(event)
    .filter((q) => answers[q.id] !== undefined)
    .map((q) => [questionHeading(q), answerCell(answers[q.id])]);
}

/**
 * A ticket's (and its order's) answers as facts of a `<dl class="facts">`; nothing when none were given.
 *
 * @example
 * <dl class="facts"><AnswerFacts event={event} answers={ticket.answers} /></dl>
 */
export const AnswerFacts: FC<{ event: EventDoc; answers: Answers | undefined }> = ({ event, answers }) => (
  <>
    {answeredPairs(event, answers).map(([label, value]) => (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    ))}
  </>
);

/**
 * A ticket's answers in one line, for a row of the attendee list.
 *
 * @example
 * <AnswerLine event={event} answers={ticket.answers} />
 */
export const AnswerLine: FC<{ event: EventDoc; answers: Answers | undefined }> = ({ event, answers }) => {
  const pairs = answeredPairs(event, answers);
  return pairs.length === 0 ? null : <div class="muted small">{pairs.map(([label, value]) => `${label}: ${value}`).join(' · ')}</div>;
};
