import { z } from '@hono/zod-openapi';
import type { AttendeeParams, CreateQuestionParams, DeletedQuestion, PublicQuestion, Question, UpdateQuestionParams } from '@trendy-tickets/sdk';
import { MAX_QUESTIONS } from '../../domain/questions.js';
import { type Exact, listOf, text, timestampOut } from './common.js';

const KINDS = ['text', 'long_text', 'number', 'choice', 'multiple_choice', 'checkbox', 'date', 'phone'] as const;

const questionFields = {
  label: text(200).openapi({ example: 'T-shirt size' }),
  kind: z.enum(KINDS).openapi({ description: 'How it is answered (docs/attendee-details.md).' }),
  options: z
    .array(text(100))
    .min(1, 'must have at least one option')
    .max(50)
    .optional()
    .openapi({ description: 'The choices of `choice` and `multiple_choice` questions: 1–50, each 1–100 characters.', example: ['S', 'M', 'L'] }),
  required: z.boolean().optional().openapi({ description: 'Default false.' }),
  scope: z.enum(['order', 'ticket']).optional().openapi({ description: '`order` (default): asked once; `ticket`: asked of each ticket’s attendee.' }),
  ticket_types: z.array(z.string().max(64)).min(1).max(50).nullable().optional().openapi({ description: 'Ticket scope only: the types whose attendees are asked; null for all.' }),
  position: z.number().int().min(0).max(10_000).optional().openapi({ description: 'Lower first; default after the last question.' }),
};

export const CreateQuestionBody = z.strictObject(questionFields).openapi('CreateQuestionParams');

export const UpdateQuestionBody = z
  .strictObject({ ...questionFields, label: questionFields.label.optional(), kind: questionFields.kind.optional() })
  .openapi('UpdateQuestionParams');

const publicFields = {
  id: z.string().openapi({ example: 'q_4QpZ0x2bB8Lr6qXhS1mYtA' }),
  label: z.string(),
  kind: z.enum(KINDS),
  options: z.array(z.string()),
  required: z.boolean(),
  scope: z.enum(['order', 'ticket']),
  ticket_types: z.array(z.string()).nullable(),
  position: z.number().int(),
};

export const PublicQuestionSchema = z.object(publicFields).openapi('PublicQuestion');

export const QuestionSchema = z.object({ ...publicFields, object: z.literal('question'), created_at: timestampOut, event: z.string() }).openapi('Question');

export const QuestionListSchema = listOf(QuestionSchema, 'QuestionList');

export const DeletedQuestionSchema = z.object({ id: z.string(), object: z.literal('question'), deleted: z.literal(true) }).openapi('DeletedQuestion');

export const QuestionIdParams = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'evt_4QpZ0x2bB8Lr6qXhS1mYtA' }),
  question_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'question_id', in: 'path' }, example: 'q_4QpZ0x2bB8Lr6qXhS1mYtA' }),
});

/** One answer's shape; what it must be for its question is checked against the event (domain/attendee-answers.ts). */
const AnswerValueSchema = z.union([z.string().max(5000), z.number(), z.boolean(), z.array(z.string().max(100)).max(50)]);

/** Answers by question id (`q_…`), at most one per question. */
export const AnswersSchema = z
  .record(z.string().max(64), AnswerValueSchema)
  .refine((answers) => Object.keys(answers).length <= MAX_QUESTIONS, `must answer at most ${MAX_QUESTIONS} questions`)
  .openapi('Answers', { description: 'Answers by question id: text, a number, true/false, or a list of choices.', example: { q_4QpZ0x2bB8Lr6qXhS1mYtA: 'M' } });

export const AnswersOutSchema = z.record(z.string(), AnswerValueSchema);

const email = z.string().trim().max(254).pipe(z.email('must be an email address'));

export const AttendeeParamsSchema = z
  .strictObject({
    ticket_type: z.string().min(1).max(64),
    name: text(200).optional(),
    email: email.optional(),
    answers: AnswersSchema.optional(),
  })
  .openapi('AttendeeParams', { description: 'One ticket’s attendee; attendees follow `items`, each item’s tickets together.' });

export const questionSchemasMatchWireTypes: [
  Exact<z.infer<typeof QuestionSchema>, Question>,
  Exact<z.infer<typeof PublicQuestionSchema>, PublicQuestion>,
  Exact<z.infer<typeof DeletedQuestionSchema>, DeletedQuestion>,
] = [true, true, true];

export const questionBodiesMatchWireTypes: [
  Exact<z.input<typeof CreateQuestionBody>, CreateQuestionParams>,
  Exact<z.input<typeof UpdateQuestionBody>, UpdateQuestionParams>,
  Exact<z.input<typeof AttendeeParamsSchema>, AttendeeParams>,
] = [true, true, true];
