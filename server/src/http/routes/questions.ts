import { createRoute } from '@hono/zod-openapi';
import { auditContext } from '../audit-context.js';
import { requireKey } from '../middleware/auth.js';
import { toQuestionJson } from '../question-json.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { CreateQuestionBody, DeletedQuestionSchema, QuestionIdParams, QuestionListSchema, QuestionSchema, UpdateQuestionBody } from '../schemas/questions.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Events'] };

const listQuestions = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/questions',
  summary: 'List an event’s questions',
  description: 'What checkout asks, by `position`. At most 50, so there is one page.',
  request: { params: IdParam },
  responses: { 200: { description: 'The questions.', content: json(QuestionListSchema) }, ...errorResponses(401, 403, 404) },
});

const createQuestion = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/questions',
  summary: 'Add a question',
  description:
    'Asked once per order (`scope: order`) or of each ticket’s attendee (`scope: ticket`, optionally only for some `ticket_types`). Orders answer it in `answers` or `attendees[].answers` (docs/attendee-details.md).',
  request: { params: IdParam, body: { required: true, content: json(CreateQuestionBody) } },
  responses: { 201: { description: 'The question.', content: json(QuestionSchema) }, ...errorResponses(400, 401, 403, 404, 409) },
});

const updateQuestion = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/events/{id}/questions/{question_id}',
  summary: 'Update a question',
  description: 'Changes only the fields sent; answers already given stay as they were.',
  request: { params: QuestionIdParams, body: { required: true, content: json(UpdateQuestionBody) } },
  responses: { 200: { description: 'The question.', content: json(QuestionSchema) }, ...errorResponses(400, 401, 403, 404, 409) },
});

const deleteQuestion = createRoute({
  ...secret,
  method: 'delete',
  path: '/v1/events/{id}/questions/{question_id}',
  summary: 'Delete a question',
  description: 'Checkout stops asking it. Answers already given stay on their orders and tickets, and in the attendee export.',
  request: { params: QuestionIdParams },
  responses: { 200: { description: 'The question is gone.', content: json(DeletedQuestionSchema) }, ...errorResponses(401, 403, 404, 409) },
});

/** An event's questions (docs/attendee-details.md). */
export function questionRoutes() {
  return createRouter()
    .openapi(listQuestions, async (c) => {
      const { id } = c.req.valid('param');
      const questions = await c.var.services.questions.list(c.get('owner'), id);
      return c.json({ object: 'list' as const, data: questions.map((q) => toQuestionJson(q, id)), has_more: false, next_cursor: null }, 200);
    })
    .openapi(createQuestion, async (c) => {
      const { id } = c.req.valid('param');
      const question = await c.var.services.questions.create(c.get('owner'), id, c.req.valid('json'), auditContext(c));
      return c.json(toQuestionJson(question, id), 201);
    })
    .openapi(updateQuestion, async (c) => {
      const { id, question_id } = c.req.valid('param');
      const question = await c.var.services.questions.update(c.get('owner'), id, question_id, c.req.valid('json'), auditContext(c));
      return c.json(toQuestionJson(question, id), 200);
    })
    .openapi(deleteQuestion, async (c) => {
      const { id, question_id } = c.req.valid('param');
      const deleted = await c.var.services.questions.delete(c.get('owner'), id, question_id, auditContext(c));
      return c.json({ id: deleted.id, object: 'question' as const, deleted: true as const }, 200);
    });
}
