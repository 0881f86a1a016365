import type { Attachment } from 'svelte/attachments';

/**
 * Reports how big each video tile is drawn, so the session can ask for the simulcast layer
 * that fits. Layouts settle in bursts (a window drag fires dozens of resizes), so reports are
 * throttled: the first change goes out at once, later ones at most once per interval, each
 * tile with its latest size, and only when it changed.
 */

export interface TileSize {
  /** CSS pixels; multiply by devicePixelRatio for device pixels. */
  width: number;
  height: number;
}

export interface TileSizeOptions {
  intervalMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  /** The ResizeObserver to use; the browser's by default. */
  ResizeObserver?: typeof ResizeObserver;
}

export class TileSizeReporter {
  readonly #pending = new Map<string, TileSize>();
  readonly #reported = new Map<string, TileSize>();
  #timer: unknown = null;
  readonly #interval: number;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (timer: unknown) => void;

  constructor(
    private readonly report: (tileId: string, size: TileSize) => void,
    options: TileSizeOptions = {},
  ) {
    this.#interval = options.intervalMs ?? 500;
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  /** A tile was laid out at this size. */
  update(tileId: string, size: TileSize): void {
    const rounded = { width: Math.round(size.width), height: Math.round(size.height) };
    const last = this.#reported.get(tileId);
    if (last && last.width === rounded.width && last.height === rounded.height) {
      this.#pending.delete(tileId);
      return;
    }
    this.#pending.set(tileId, rounded);
    if (this.#timer === null) this.#flush();
  }

  /** The tile is gone; a tile with the same id later is reported afresh. */
  forget(tileId: string): void {
    this.#pending.delete(tileId);
    this.#reported.delete(tileId);
  }

  stop(): void {
    if (this.#timer !== null) this.#clearTimer(this.#timer);
    this.#timer = null;
    this.#pending.clear();
  }

  #flush(): void {
    this.#timer = null;
    if (this.#pending.size === 0) return;
    const sizes = [...this.#pending];
    this.#pending.clear();
    for (const [tileId, size] of sizes) {
      this.#reported.set(tileId, size);
      this.report(tileId, size);
    }
    this.#timer = this.#setTimer(() => this.#flush(), this.#interval);
  }
}

/**
 * One ResizeObserver for all tiles of a view. `observe(tileId)` is an attachment for the
 * element whose box is the video's drawing area; it is the same function for the same tile,
 * so re-rendering a tile (it speaks, it mutes) does not detach and re-report it.
 */
export class TileSizeObserver {
  readonly #reporter: TileSizeReporter;
  readonly #observer: ResizeObserver | null;
  readonly #ids = new Map<Element, string>();
  readonly #attachments = new Map<string, Attachment<HTMLElement>>();

  constructor(report: (tileId: string, size: TileSize) => void, options: TileSizeOptions = {}) {
    this.#reporter = new TileSizeReporter(report, options);
    const Observer = options.ResizeObserver ?? globalThis.ResizeObserver;
    this.#observer = Observer
      ? new Observer((entries) => {
          for (const entry of entries) {
            const tileId = this.#ids.get(entry.target);
            if (tileId !== undefined) this.#reporter.update(tileId, entry.contentRect);
          }
        })
      : null;
  }

  observe(tileId: string): Attachment<HTMLElement> {
    const known = this.#attachments.get(tileId);
    if (known) return known;
    const attachment: Attachment<HTMLElement> = (element) => {
      this.#ids.set(element, tileId);
      this.#observer?.observe(element);
      return () => {
        this.#observer?.unobserve(element);
        this.#ids.delete(element);
        this.#reporter.forget(tileId);
      };
    };
    this.#attachments.set(tileId, attachment);
    return attachment;
  }

  disconnect(): void {
    this.#observer?.disconnect();
    this.#ids.clear();
    this.#attachments.clear();
    this.#reporter.stop();
  }
}
