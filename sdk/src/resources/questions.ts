import type { TrendyTickets } from '../client.js';
import type { RequestOptions } from '../internal/http.js';
import type { CreateQuestionParams, DeletedQuestion, List, Question, UpdateQuestionParams } from '../types.js';

const path = (event: string, rest = '') => `/v1/events/${encodeURIComponent(event)}/questions${rest}`;
const one = (event: string, question: string) => path(event, `/${encodeURIComponent(question)}`);

/**
 * An event's questions (secret key): what checkout asks once per order or of each ticket's
 * attendee. Orders answer them in `answers` and `attendees[].answers`.
 *
 * @example
 * const size = await tts.questions.create('evt_…', { label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], scope: 'ticket', required: true });
 * await tts.orders.create({ event: 'evt_…', items, buyer, attendees: [{ ticket_type: 'tt_…', name: 'Ravi', answers: { [size.id]: 'M' } }] });
 */
export class QuestionsResource {
  constructor(private readonly client: TrendyTickets) {}

  /**
   * The questions checkout asks, by position.
   *
   * @example
   * const { data } = await tts.questions.list('evt_…');
   */
  list(event: string, options?: RequestOptions): Promise<List<Question>> {
    return this.client.request<List<Question>>({ ...options, method: 'GET', path: path(event) });
  }

  /**
   * Adds a question, after the last one unless `position` is given.
   *
   * @example
   * await tts.questions.create('evt_…', { label: 'Company', kind: 'text' });
   */
  create(event: string, params: CreateQuestionParams, options?: RequestOptions): Promise<Question> {
    return this.client.request<Question>({ ...options, method: 'POST', path: path(event), body: params });
  }

  /**
   * Changes the fields sent; answers already given stay.
   *
   * @example
   * await tts.questions.update('evt_…', 'q_…', { required: true });
   */
  update(event: string, question: string, params: UpdateQuestionParams, options?: RequestOptions): Promise<Question> {
    return this.client.request<Question>({ ...options, method: 'POST', path: one(event, question), body: params });
  }

  /**
   * Stops asking a question; its answers stay readable.
   *
   * @example
   * await tts.questions.del('evt_…', 'q_…');
   */
  del(event: string, question: string, options?: RequestOptions): Promise<DeletedQuestion> {
    return this.client.request<DeletedQuestion>({ ...options, method: 'DELETE', path: one(event, question) });
  }
}
