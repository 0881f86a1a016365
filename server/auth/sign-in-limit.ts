/**
 * Failed sign-ins per account, whatever address they come from: the per-address limit alone lets
 * a guesser spread over many addresses, and set low enough to stop one it locks out everyone
 * behind a library's or a school's shared address.
 *
 * Counted by the email asked for, whether or not an account has it, so a locked answer tells
 * nothing about which addresses are registered. An attempt takes a place before the password is
 * checked and gives it back if it succeeds: parallel guesses are counted one by one, and only
 * failures stay counted. Kept in memory, per server process, like the per-address limit.
 */
export interface SignInLimit {
  /** Failures allowed per window, per email. */
  max: number;
  windowMs: number;
}

interface Window {
  failures: number;
  endsAt: number;
}

/** Beyond this many emails in the table, the expired are swept out, then the oldest. */
const MAX_TRACKED = 100_000;

export class AccountSignInLimit {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly limit: SignInLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Takes a place for an attempt on `key`: null when taken (call `succeeded` if the password was
   * right), or the milliseconds until the account may be tried again.
   */
  begin(key: string): number | null {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) {
      this.#sweep(now);
      window = { failures: 0, endsAt: now + this.limit.windowMs };
      this.#windows.set(key, window);
    }
    if (window.failures >= this.limit.max) return window.endsAt - now;
    window.failures += 1;
    return null;
  }

  /** The attempt that `begin` counted was right: it does not count as a failure. */
  succeeded(key: string): void {
    const window = this.#windows.get(key);
    if (window && window.failures > 0) window.failures -= 1;
  }

  #sweep(now: number): void {
    if (this.#windows.size < MAX_TRACKED) return;
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < MAX_TRACKED) break;
      this.#windows.delete(key);
    }
  }
}
