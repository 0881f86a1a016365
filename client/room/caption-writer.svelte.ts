import type { Sendable } from './protocol.ts';

/** How often the line being typed is sent: often enough to follow, rarely enough for a room of thousands. */
export const INTERIM_EVERY_MS = 700;

export interface CaptionWriterOptions {
  send: (message: Extract<Sendable, { type: 'caption.send' }>) => Promise<unknown>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * The captioner's line: while it is typed it is sent as it grows (at once, then at most every
 * INTERIM_EVERY_MS), and `finish` sends it as a finished line and starts a new one.
 */
export class CaptionWriter {
  text = $state('');
  #sent = '';
  #sentAt = -Infinity;
  #timer: unknown = null;
  readonly #options: Required<CaptionWriterOptions>;

  constructor(options: CaptionWriterOptions) {
    this.#options = {
      now: Date.now,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  /** The text changed: the latest is sent when the interval allows. */
  typed(text: string): void {
    this.text = text;
    if (this.#timer !== null) return;
    const wait = Math.max(0, this.#sentAt + INTERIM_EVERY_MS - this.#options.now());
    this.#timer = this.#options.setTimer(() => {
      this.#timer = null;
      this.#sendInterim();
    }, wait);
  }

  /**
   * Sends the line as finished. The field empties at once, so the captioner types on while it is
   * sent; if it fails, the line comes back in front of whatever they typed since.
   */
  async finish(): Promise<void> {
    this.stop();
    const line = this.text.trim();
    if (!line) return;
    this.text = '';
    this.#sent = '';
    try {
      await this.#options.send({ type: 'caption.send', text: line, final: true });
    } catch (error) {
      this.text = this.text ? `${line} ${this.text}` : line;
      throw error;
    }
  }

  /** Nothing more is sent (leaving the page, or finishing the line). */
  stop(): void {
    if (this.#timer !== null) this.#options.clearTimer(this.#timer);
    this.#timer = null;
  }

  #sendInterim(): void {
    const line = this.text.trim();
    if (!line || line === this.#sent) return;
    this.#sent = line;
    this.#sentAt = this.#options.now();
    // A refused or lost partial line is replaced by the next one: nothing to tell the captioner.
    this.#options.send({ type: 'caption.send', text: line, final: false }).catch(() => {});
  }
}
