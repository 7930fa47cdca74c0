/** One page of a list: its items and, unless it is the last page, the cursor of the next. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Loads the page at `cursor` (undefined: the first page). */
export type PageLoader<T> = (cursor: string | undefined) => Promise<Page<T>>;

/**
 * What every `list` returns: awaited, the first page (`const { items, nextCursor } = await p.messages.list()`);
 * iterated with `for await`, every item of every page, fetched one page at a time as the loop reaches it.
 * Nothing is requested until it is awaited or iterated, so an unused list costs no call and no unhandled rejection.
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly [Symbol.toStringTag] = 'PagePromise';
  #first?: Promise<Page<T>>;
  readonly #load: PageLoader<T>;
  readonly #cursor: string | undefined;

  constructor(load: PageLoader<T>, cursor?: string) {
    this.#load = load;
    this.#cursor = cursor;
  }

  #firstPage(): Promise<Page<T>> {
    this.#first ??= this.#load(this.#cursor);
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: a list is awaitable as its first page by design.
  then<A = Page<T>, B = never>(
    onFulfilled?: ((page: Page<T>) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#firstPage().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page<T> | B> {
    return this.#firstPage().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<Page<T>> {
    return this.#firstPage().finally(onFinally);
  }

  /** Every page in turn, the first one included. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page = await this.#firstPage();
    yield page;
    while (page.nextCursor) {
      page = await this.#load(page.nextCursor);
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.items;
  }
}
