import type { List } from './types.js';

/**
 * Fetches one page; `cursor` undefined means the first.
 *
 * @example
 * const fetchPage: PageFetcher<Event> = (cursor) => tts.events.list({ cursor }).page();
 */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<List<T>>;

/**
 * What a `list` method returns: `await` it (or call `.page()`) for the first page, or
 * iterate it with `for await` to walk every item across pages, one request per page,
 * following `next_cursor` until `has_more` is false.
 *
 * @example
 * const first = await client.events.list({ limit: 50 }); // List<Event>
 * for await (const event of client.events.list()) console.log(event.name);
 */
export class PagedList<T> implements AsyncIterable<T>, PromiseLike<List<T>> {
  readonly #fetchPage: PageFetcher<T>;
  readonly #startCursor: string | undefined;
  #first: Promise<List<T>> | undefined;

  constructor(fetchPage: PageFetcher<T>, startCursor?: string) {
    this.#fetchPage = fetchPage;
    this.#startCursor = startCursor;
  }

  /**
   * The first page (fetched once, however often it is asked for).
   *
   * @example
   * const { data, has_more, next_cursor } = await client.events.list({ limit: 10 }).page();
   */
  page(): Promise<List<T>> {
    this.#first ??= this.#fetchPage(this.#startCursor);
    return this.#first;
  }

  /**
   * Every page in turn.
   *
   * @example
   * for await (const page of client.events.list({ limit: 100 }).pages()) console.log(page.data.length);
   */
  async *pages(): AsyncGenerator<List<T>, void, undefined> {
    let page = await this.page();
    yield page;
    while (page.has_more && page.next_cursor) {
      page = await this.#fetchPage(page.next_cursor);
      yield page;
    }
  }

  /**
   * Every item into one array; stops after `max` items when given.
   *
   * @example
   * const everyone = await client.events.attendees(eventId).toArray();
   */
  async toArray(max = Infinity): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) {
      if (items.length >= max) break;
      items.push(item);
    }
    return items;
  }

  /**
   * Every item across every page.
   *
   * @example
   * for await (const event of tts.events.list()) console.log(event.name);
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /**
   * Awaiting a list gives its first page, as in openai-node.
   *
   * @example
   * const { data, has_more } = await tts.events.list();
   */
  // biome-ignore lint/suspicious/noThenProperty: a list is deliberately thenable, so awaiting it gives its first page.
  then<R1 = List<T>, R2 = never>(
    onfulfilled?: ((value: List<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.page().then(onfulfilled, onrejected);
  }
}
