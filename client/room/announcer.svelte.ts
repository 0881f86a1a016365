/**
 * What happens in the room, told to screen readers through one polite live region. Busy kinds
 * (chat, questions, hands) are counted and summarised; at most one announcement every few
 * seconds, so a lively chat does not drown everything else.
 */

export type CountedKind = 'chat' | 'question' | 'hand';

export interface AnnouncerOptions {
  intervalMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  now?: () => number;
}

export class Announcer {
  /** The text in the live region. */
  message = $state('');
  // Internal bookkeeping, never shown: only `message` is reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #counts = new Map<CountedKind, number>();
  #notes: string[] = [];
  #timer: unknown = null;
  #lastAt = -Infinity;
  readonly #interval: number;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (timer: unknown) => void;
  readonly #now: () => number;

  constructor(
    /** Turns the counts into words in the current language. */
    private readonly describe: (kind: CountedKind, count: number) => string,
    options: AnnouncerOptions = {},
  ) {
    this.#interval = options.intervalMs ?? 5000;
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
    this.#now = options.now ?? Date.now;
  }

  /** One more of a busy kind of event. */
  count(kind: CountedKind): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
    this.#schedule();
  }

  /** Something worth saying in words (a new speaker, a poll opening); repeated notes are said once. */
  note(text: string): void {
    if (!this.#notes.includes(text)) this.#notes.push(text);
    if (this.#notes.length > 3) this.#notes.shift();
    this.#schedule();
  }

  stop(): void {
    if (this.#timer !== null) this.#clearTimer(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    const wait = Math.max(0, this.#lastAt + this.#interval - this.#now());
    this.#timer = this.#setTimer(() => this.#flush(), Math.max(wait, 300));
  }

  #flush(): void {
    this.#timer = null;
    const parts = [...this.#notes];
    for (const kind of ['chat', 'question', 'hand'] as const) {
      const count = this.#counts.get(kind);
      if (count) parts.push(this.describe(kind, count));
    }
    this.#notes = [];
    this.#counts.clear();
    if (parts.length === 0) return;
    this.#lastAt = this.#now();
    const text = parts.join(' ');
    // A live region speaks only when its text changes: a summary that reads as the last one
    // ("1 new chat message" again) gets a trailing no-break space, which is not read out.
    this.message = text === this.message ? `${text}\u00a0` : text;
  }
}
