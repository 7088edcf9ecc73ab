/** A list as the API sends it (`{ object: "list", data, has_more, next_cursor }`). */
export interface ListBody<T> {
  data: T[]
  has_more: boolean
  next_cursor: string | null
}

/**
 * One page of a list. `nextPage()` fetches the following one; iterating a page with
 * `for await` yields its items and then those of every later page, fetched as needed.
 */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[]
  readonly has_more: boolean
  /** Pass as `cursor` to a later `list()` to continue from here, e.g. after a restart. */
  readonly next_cursor: string | null
  readonly #fetchAfter: (cursor: string) => Promise<Page<T>>

  constructor(body: ListBody<T>, fetchAfter: (cursor: string) => Promise<Page<T>>) {
    this.data = body.data
    this.has_more = body.has_more
    this.next_cursor = body.next_cursor
    this.#fetchAfter = fetchAfter
  }

  /** The following page, or `null` after the last one. */
  async nextPage(): Promise<Page<T> | null> {
    return this.has_more && this.next_cursor ? this.#fetchAfter(this.next_cursor) : null
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let page: Page<T> | null = this; page; page = await page.nextPage()) yield* page.data
  }
}

/**
 * What a `list()` method returns: `await` it for the first page, or `for await` over it for
 * every item of every page. Nothing is fetched until one of the two begins, and the first
 * page is fetched once however it is used.
 */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  readonly #fetchFirst: () => Promise<Page<T>>
  #first: Promise<Page<T>> | undefined

  constructor(fetchFirst: () => Promise<Page<T>>) {
    this.#fetchFirst = fetchFirst
  }

  #firstPage(): Promise<Page<T>> {
    this.#first ??= this.#fetchFirst()
    return this.#first
  }

  // biome-ignore lint/suspicious/noThenProperty: a PagePromise is awaited like a promise, by design
  then<Fulfilled = Page<T>, Rejected = never>(
    onFulfilled?: ((page: Page<T>) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#firstPage().then(onFulfilled, onRejected)
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#firstPage()
  }
}
