/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import type { QuestionDoc } from '../../domain/questions.js';
import type { ConsoleUser } from '../context.js';
import { CsrfField, type Flash, Shell } from './layout.js';
import { CreateCard, RowAction } from './resource-list.js';

/** Props of {@link QuestionsPage}. */
export interface QuestionsPageProps {
  user: ConsoleUser;
  event: EventDoc;
  /** The questions checkout asks, by position. */
  questions: QuestionDoc[];
  /** Whether the viewer may change questions (events:write). */
  canEdit: boolean;
  flash?: Flash | undefined;
}

const KINDS: Array<[QuestionDoc['kind'], string]> = [
  ['text', 'Short text'],
  ['long_text', 'Long text'],
  ['number', 'Number'],
  ['choice', 'One choice'],
  ['multiple_choice', 'Several choices'],
  ['checkbox', 'Checkbox'],
  ['date', 'Date'],
  ['phone', 'Phone number'],
];

/** Who a question is asked of, in words. */
function askedOf(question: QuestionDoc, event: EventDoc): string {
  if (question.scope === 'order') return 'Once per order';
  if (question.ticket_types === null) return 'Each attendee';
  const names = event.ticket_types.filter((t) => question.ticket_types?.includes(t.id)).map((t) => t.name);
  return `Attendees of ${names.join(', ')}`;
}

/** The fields of a question's form, filled with `q` when editing; `uid` keeps element ids unique per form. */
const QuestionFields: FC<{ event: EventDoc; q?: QuestionDoc | undefined; uid: string }> = ({ event, q, uid }) => (
  <>
    <label for={`label-${uid}`}>Question</label>
    <input id={`label-${uid}`} name="label" required maxlength={200} value={q?.label ?? ''} placeholder="T-shirt size" />
    <label for={`kind-${uid}`}>Answer</label>
    <select id={`kind-${uid}`} name="kind">
      {KINDS.map(([value, label]) => (
        <option value={value} selected={value === (q?.kind ?? 'text')}>
          {label}
        </option>
      ))}
    </select>
    <label for={`options-${uid}`}>Choices (one per line; for one or several choices)</label>
    <textarea id={`options-${uid}`} name="options" rows={3}>
      {q?.options.join('\n') ?? ''}
    </textarea>
    <label for={`scope-${uid}`}>Asked</label>
    <select id={`scope-${uid}`} name="scope">
      <option value="order" selected={(q?.scope ?? 'order') === 'order'}>
        Once per order
      </option>
      <option value="ticket" selected={q?.scope === 'ticket'}>
        Of each attendee
      </option>
    </select>
    <fieldset>
      <legend>Only for attendees of (none ticked: every type)</legend>
      {event.ticket_types.map((t) => (
        <label>
          <input type="checkbox" name={`type_${t.id}`} value="on" checked={q?.ticket_types?.includes(t.id) ?? false} /> {t.name}
        </label>
      ))}
    </fieldset>
    <label>
      <input type="checkbox" name="required" value="on" checked={q?.required ?? false} /> Required
    </label>
  </>
);

/**
 * `/console/events/:id/questions`: what checkout asks, in order, with forms to add, change,
 * move and delete questions (docs/attendee-details.md).
 *
 * @example
 * return renderConsole(c, <QuestionsPage user={user} event={event} questions={questions} canEdit />);
 */
export const QuestionsPage: FC<QuestionsPageProps> = ({ user, event, questions, canEdit, flash }) => {
  const base = `/console/events/${event._id}`;
  return (
    <Shell title={`Questions · ${event.name}`} user={user} section="events" here={`${base}/questions`} flash={flash}>
      <p>
        <a href={base}>← {event.name}</a>
      </p>
      <h1>Questions</h1>
      <p class="muted">Checkout asks these once per order or of each attendee. Deleting a question stops asking it; answers already given stay on the tickets and in the CSV.</p>
      <section class="card" aria-labelledby="questions-h">
        <h2 id="questions-h">Asked at checkout</h2>
        {questions.length === 0 ? (
          <p class="muted">No questions yet.</p>
        ) : (
          <ol class="questions">
            {questions.map((q, i) => (
              <li id={`question-${q.id}`}>
                <strong>{q.label}</strong>{' '}
                <span class="muted small">
                  · {KINDS.find(([k]) => k === q.kind)?.[1]} · {askedOf(q, event)}
                  {q.required ? ' · required' : ''}
                </span>
                {q.options.length > 0 ? <p class="small">{q.options.join(' · ')}</p> : null}
                {canEdit ? (
                  <div class="actions">
                    {(['up', 'down'] as const).map((direction) =>
                      (direction === 'up' ? i > 0 : i < questions.length - 1) ? (
                        <RowAction action={`${base}/questions/${q.id}/move`} csrf={user.csrf} label={direction === 'up' ? 'Move up' : 'Move down'}>
                          <input type="hidden" name="direction" value={direction} />
                        </RowAction>
                      ) : null,
                    )}
                    <RowAction action={`${base}/questions/${q.id}/delete`} csrf={user.csrf} label="Delete" />
                    <details>
                      <summary>Edit</summary>
                      <form method="post" action={`${base}/questions/${q.id}/edit`}>
                        <CsrfField token={user.csrf} />
                        <QuestionFields event={event} q={q} uid={q.id} />
                        <button type="submit" class="btn">
                          Save question
                        </button>
                      </form>
                    </details>
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </section>
      {canEdit ? (
        <CreateCard id="new-question-h" title="New question" action={`${base}/questions`} csrf={user.csrf} submit="Add question">
          <QuestionFields event={event} uid="new" />
        </CreateCard>
      ) : null}
    </Shell>
  );
};
