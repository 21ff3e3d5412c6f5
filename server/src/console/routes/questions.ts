import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import { can } from '../../domain/permissions.js';
import { grantOf } from '../../domain/actors.js';
import type { QuestionDoc, QuestionInput } from '../../domain/questions.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { idPattern } from '../../kernel/ids.js';
import { auditContext } from '../../http/audit-context.js';
import { CreateQuestionBody } from '../../http/schemas/questions.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { Flash } from '../pages/layout.js';
import { QuestionsPage } from '../pages/questions.js';

const EVENT_ID = idPattern('evt');
const QUESTION_ID = idPattern('q');

const NOTICES: Record<string, Flash> = {
  created: { tone: 'ok', message: 'Question added.' },
  updated: { tone: 'ok', message: 'Question saved.' },
  moved: { tone: 'ok', message: 'Question moved.' },
  deleted: { tone: 'ok', message: 'Question deleted. Answers already given are kept.' },
};

async function eventOf(c: ConsoleContext): Promise<EventDoc> {
  const id = c.req.param('id') ?? '';
  if (!EVENT_ID.test(id)) throw notFound('event', id);
  return c.var.services.events.get(c.var.user.owner, id);
}

function questionIdOf(c: ConsoleContext): string {
  const id = c.req.param('question') ?? '';
  if (!QUESTION_ID.test(id)) throw notFound('question', id);
  return id;
}

async function showQuestions(c: ConsoleContext, event: EventDoc, flash?: Flash, status: 200 | 400 = 200) {
  const { user, services } = c.var;
  const questions = await services.questions.list(user.owner, event._id);
  const canEdit = can(grantOf(user.actor), 'events:write', { event: event._id });
  return renderConsole(c, jsx(QuestionsPage, { user, event, questions, canEdit, flash: flash ?? noticeFrom(NOTICES, c) }), status);
}

/**
 * The question form, read into the API's body and parsed by the API's own schema, so the
 * console and the API accept exactly the same questions.
 */
function questionInputOf(form: Record<string, string>, event: EventDoc): QuestionInput {
  const kind = form.kind ?? '';
  const options = (form.options ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const types = event.ticket_types.filter((t) => form[`type_${t.id}`] === 'on').map((t) => t.id);
  const scope = form.scope === 'ticket' ? 'ticket' : 'order';
  const body = {
    label: form.label ?? '',
    kind,
    // A choice question without choices is refused by the domain with its own message.
    ...(options.length > 0 ? { options } : {}),
    required: form.required === 'on',
    scope,
    ticket_types: scope === 'ticket' && types.length > 0 ? types : null,
  };
  const parsed = CreateQuestionBody.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw new AppError('VALIDATION_FAILED', 'The question is not valid.', issues);
  }
  return parsed.data;
}

/** Renders a refused form on the page with its problems; anything else goes to the error page. */
async function orRefused(c: ConsoleContext, event: EventDoc, act: () => Promise<unknown>): Promise<Response | null> {
  try {
    await act();
    return null;
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
    const issues = Array.isArray(err.details) ? err.details : undefined;
    return showQuestions(c, event, { tone: 'bad', message: err.message, issues }, 400);
  }
}

/**
 * An event's questions in the console: listing, adding, editing, moving and deleting, through
 * the same service as the API.
 *
 * @example
 * router.route('/', questionConsoleRoutes());
 */
export function questionConsoleRoutes() {
  const router = new Hono<ConsoleEnv>();
  const back = (event: EventDoc, notice: keyof typeof NOTICES) => `/console/events/${event._id}/questions?notice=${notice}`;

  router.get('/console/events/:id/questions', async function questionsPage(c) {
    return showQuestions(c, await eventOf(c));
  });

  router.post('/console/events/:id/questions', async function createQuestion(c) {
    const event = await eventOf(c);
    const form = await formOf(c);
    const refused = await orRefused(c, event, () => c.var.services.questions.create(c.var.user.owner, event._id, questionInputOf(form, event), auditContext(c)));
    return refused ?? c.redirect(back(event, 'created'), 303);
  });

  router.post('/console/events/:id/questions/:question/edit', async function updateQuestion(c) {
    const event = await eventOf(c);
    const id = questionIdOf(c);
    const form = await formOf(c);
    const refused = await orRefused(c, event, () => c.var.services.questions.update(c.var.user.owner, event._id, id, questionInputOf(form, event), auditContext(c)));
    return refused ?? c.redirect(back(event, 'updated'), 303);
  });

  // Moving swaps positions with the neighbour, so the order is always the one shown.
  router.post('/console/events/:id/questions/:question/move', async function moveQuestion(c) {
    const event = await eventOf(c);
    const id = questionIdOf(c);
    const form = await formOf(c);
    const { owner } = c.var.user;
    const questions = await c.var.services.questions.list(owner, event._id);
    const at = questions.findIndex((q) => q.id === id);
    if (at < 0) throw notFound('question', id);
    const swapWith = form.direction === 'up' ? at - 1 : at + 1;
    if (swapWith >= 0 && swapWith < questions.length) {
      const order = [...questions];
      [order[at], order[swapWith]] = [order[swapWith] as QuestionDoc, order[at] as QuestionDoc];
      // Positions renumbered 0, 1, 2…: questions added with the same position would otherwise not move.
      for (const [position, q] of order.entries()) {
        if (q.position !== position) await c.var.services.questions.update(owner, event._id, q.id, { position }, auditContext(c));
      }
    }
    return c.redirect(back(event, 'moved'), 303);
  });

  router.post('/console/events/:id/questions/:question/delete', async function deleteQuestion(c) {
    const event = await eventOf(c);
    await c.var.services.questions.delete(c.var.user.owner, event._id, questionIdOf(c), auditContext(c));
    return c.redirect(back(event, 'deleted'), 303);
  });

  return router;
}
