/**
 * What one document connection may send beyond what its rights allow. A writer's edits are not
 * limited here (a paste may be megabytes, and typing must stay fast); what is limited costs the
 * server or the others more than it is worth when repeated: a sync request is answered with the
 * whole document, and an awareness update (a caret) is passed on to everyone on the document.
 * The limits mirror the room socket's (server/rooms/peer.ts): token buckets, and a connection that
 * keeps sending what is refused is closed.
 */

/**
 * An awareness update is one person's caret: their name, colour and two relative positions, a few
 * hundred bytes. Anything near this is not a caret, and would be passed on to every editor and to
 * everyone who opens the document later.
 */
export const MAX_AWARENESS_UPDATE = 16 * 1024;

/**
 * Sync requests (sync step 1, and asking for everyone's carets): an honest client sends one when it
 * connects. Each is answered with the whole document (20 requests of 4 bytes were 42 MB of answers).
 */
const SYNC_REQUESTS = { burst: 4, perSecond: 0.1 };

/**
 * Caret updates: one per keystroke or click while typing, held-down keys repeat ~30 a second. Over
 * the rate, the latest waits for the next token (see SharedDoc) rather than being lost.
 */
const AWARENESS_UPDATES = { burst: 20, perSecond: 10 };

/** Refused messages (over a rate, another connection's caret) a connection may send in a minute before it is closed. */
const REFUSALS_PER_MINUTE = 30;

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes one token; false when there is none. */
  take(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until a token is there to take. */
  msUntilToken(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
  }
}

/** One connection's buckets and refusals. */
export class ConnectionLimits {
  readonly syncRequests = new TokenBucket(SYNC_REQUESTS.burst, SYNC_REQUESTS.perSecond);
  readonly awareness = new TokenBucket(AWARENESS_UPDATES.burst, AWARENESS_UPDATES.perSecond);
  /** The latest caret update that came over the rate, applied when the next token is there. */
  waitingAwareness: Uint8Array | null = null;
  /** Messages refused on this connection so far. */
  refused = 0;
  private refusals: number[] = [];

  /** Counts a refused message; true when the connection has had too many and should be closed. */
  refuse(now = Date.now()): boolean {
    this.refused += 1;
    this.refusals = this.refusals.filter((t) => now - t < 60_000);
    this.refusals.push(now);
    return this.refusals.length > REFUSALS_PER_MINUTE;
  }
}
