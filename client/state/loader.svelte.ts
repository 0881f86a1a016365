import { untrack } from 'svelte';
import { isNotFound } from '../errors.ts';

export type LoadState<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T }
  | { status: 'missing' }
  | { status: 'error'; error: unknown };

/**
 * One resource a page shows. `run()` fetches it; a later run wins over an earlier one still
 * in flight. A reload keeps the data on screen until the new data arrives.
 */
export class Loader<T> {
  state = $state<LoadState<T>>({ status: 'loading' });
  #generation = 0;

  /** The loaded data, or null while loading or after a failure. */
  get data(): T | null {
    return this.state.status === 'ok' ? this.state.data : null;
  }

  async run(fetcher: () => Promise<T>): Promise<void> {
    const generation = ++this.#generation;
    // Not a dependency of the effect that calls run(): only the fetch decides when to reload.
    untrack(() => {
      if (this.state.status !== 'ok') this.state = { status: 'loading' };
    });
    try {
      const data = await fetcher();
      if (generation === this.#generation) this.state = { status: 'ok', data };
    } catch (error) {
      if (generation !== this.#generation) return;
      this.state = isNotFound(error) ? { status: 'missing' } : { status: 'error', error };
    }
  }

  /** Replace the data after a successful change (no request). */
  set(data: T): void {
    this.#generation += 1;
    this.state = { status: 'ok', data };
  }
}
