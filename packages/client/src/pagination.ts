/** One page of a cursor-paginated list. Iterating it (`for await`) yields its items and then those of
 * every following page, fetched as the loop reaches them. */
export class Page<T> implements AsyncIterable<T> {
  constructor(
    readonly data: T[],
    /** Pass as `cursor` for the next page; null on the last page. */
    readonly nextCursor: string | null,
    private readonly fetchPage: (cursor: string) => Promise<Page<T>>,
  ) {}

  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  /** The following page, or undefined after the last one. */
  async next(): Promise<Page<T> | undefined> {
    return this.nextCursor === null ? undefined : this.fetchPage(this.nextCursor);
  }

  /** This page and each following one. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let page: Page<T> | undefined = this;
    while (page) {
      yield page;
      page = await page.next();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item from this page on, in one array (mind the size of what you list). */
  async toArray(): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) all.push(item);
    return all;
  }
}

/** Makes the first page of a list whose later pages are fetched the same way with a cursor. */
export async function firstPage<T>(fetchRaw: (cursor: string | undefined) => Promise<{ data: T[]; nextCursor: string | null }>, cursor?: string): Promise<Page<T>> {
  const load = async (c: string | undefined): Promise<Page<T>> => {
    const raw = await fetchRaw(c);
    return new Page(raw.data, raw.nextCursor, load);
  };
  return load(cursor);
}
