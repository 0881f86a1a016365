import type { Page } from '../types.ts';

/**
 * A list read page by page with keyset cursors ("Load more"). `fetchPage(null)` gives the
 * first page; a reload discards pages still in flight.
 */
export class PagedList<T> {
  items = $state<T[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<unknown>(null);
  #generation = 0;
  #fetchPage: (cursor: string | null) => Promise<Page<T>>;
  #key: ((item: T) => string) | undefined;

  /** With `key`, an item already in the list (e.g. one just added here) is not repeated by a later page. */
  constructor(fetchPage: (cursor: string | null) => Promise<Page<T>>, key?: (item: T) => string) {
    this.#fetchPage = fetchPage;
    this.#key = key;
  }

  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  /** Start again from the first page (e.g. after a filter changed). */
  reload(): Promise<void> {
    this.#generation += 1;
    this.items = [];
    this.nextCursor = null;
    this.loaded = false;
    return this.#load(null);
  }

  loadMore(): Promise<void> {
    if (this.loading || this.nextCursor === null) return Promise.resolve();
    return this.#load(this.nextCursor);
  }

  /** Put a new item first (e.g. a thread just started). */
  prepend(item: T): void {
    this.items = [item, ...this.items];
  }

  /** Put a new item last (e.g. a reply just written). */
  append(item: T): void {
    this.items = [...this.items, item];
  }

  /** Swap items in place; `match` says which to replace. */
  replace(match: (item: T) => boolean, next: T): void {
    this.items = this.items.map((item) => (match(item) ? next : item));
  }

  remove(match: (item: T) => boolean): void {
    this.items = this.items.filter((item) => !match(item));
  }

  #unseen(items: T[]): T[] {
    const key = this.#key;
    if (!key) return items;
    const seen = this.items.map(key);
    return items.filter((item) => !seen.includes(key(item)));
  }

  async #load(cursor: string | null): Promise<void> {
    const generation = this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await this.#fetchPage(cursor);
      if (generation !== this.#generation) return;
      this.items = cursor === null ? page.items : [...this.items, ...this.#unseen(page.items)];
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (error) {
      if (generation === this.#generation) this.error = error;
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
