/** One page of a list: its items and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list call. `await` it for the first page; `for await` over it for every
 * item of every page, fetched lazily one page at a time; `.pages()` for the
 * pages themselves.
 *
 * ```ts
 * const first = await client.users.list({ limit: 100 });
 * for await (const m of client.mail.listUnread('alice@example.com')) console.log(m.subject);
 * ```
 */
export class Paginator<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private first: Promise<Page<T>> | undefined;

  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}

  /**
   * Makes the list awaitable: `await` gives its first page.
   *
   * @example
   * const { items, nextCursor } = await jd.users.list({ limit: 50 });
   */
  // biome-ignore lint/suspicious/noThenProperty: awaiting a list for its first page is the intended API.
  then<R1 = Page<T>, R2 = never>(
    onfulfilled?: ((page: Page<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.first ??= this.fetchPage(undefined);
    return this.first.then(onfulfilled, onrejected);
  }

  /**
   * Like `Promise.prototype.catch`, on the first page.
   *
   * @example
   * const page = await jd.mail.listUnread(address).catch(() => ({ items: [], nextCursor: null }));
   */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T> | R> {
    return this.then(undefined, onrejected);
  }

  /**
   * Like `Promise.prototype.finally`, on the first page.
   *
   * @example
   * await jd.users.list().finally(() => spinner.stop());
   */
  finally(onfinally?: (() => void) | null): Promise<Page<T>> {
    return this.then().finally(onfinally);
  }

  /**
   * Every page in turn, starting from the first.
   *
   * @example
   * for await (const page of jd.users.list({ limit: 200 }).pages()) await mirror(page.items);
   */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.fetchPage(cursor);
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }

  /**
   * Collects items of all pages into an array, stopping after `max` items.
   *
   * @example
   * const first100 = await jd.users.list().toArray(100);
   */
  async toArray(max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const out: T[] = [];
    if (max <= 0) return out;
    for await (const item of this) {
      out.push(item);
      // Stop before the next page is fetched, not after.
      if (out.length >= max) break;
    }
    return out;
  }
}
