import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../../db/connection.ts';
import { retryWhileUnavailable } from '../../db/retry.ts';
import { claimDue, deleteOld, markFailed, markSent, retryLater, type ClaimedMail } from './outbox.ts';
import { DeliveryError, type MailTransport } from './transports.ts';

/**
 * The sender: every server process runs one, and any of them may send any queued mail.
 *
 * Delivery is at least once, never lost, and in normal running exactly once:
 * - A sender claims a few due rows with a lease (outbox.ts, `for update skip locked`), commits, and
 *   only then talks to the SMTP server: no transaction stays open while a server far away answers,
 *   which on the embedded database (one connection) would stop every request meanwhile.
 * - While the lease holds no other sender takes the row. Every SMTP wait is bounded well inside the
 *   lease (transports.ts), so a live sender always finishes before its lease lapses.
 * - Accepted: the row is marked sent (retried while the database is away). Refused for now or
 *   unreachable: due again after a growing pause. Refused for good, or still failing after
 *   `giveUpAfterMs`: marked failed and logged.
 * - The one window left is a crash (or a database gone for longer than the retry) after the SMTP
 *   server accepted the mail and before the row was marked: the lease lapses and the mail is sent
 *   again. No choice closes it: SMTP has no idempotency key, and holding the row's lock in an open
 *   transaction across the delivery would roll back to "unsent" in the same crash. So the message
 *   is composed once, with one Message-ID (compose.ts), and a repeat is the same message, which
 *   mail servers and programs recognise as a duplicate. A lost mail would be worse than a repeat.
 */
export interface SenderTiming {
  /** How often a sender looks for due mails when nothing woke it (another process may have queued one). */
  pollMs: number;
  /** How long a claim holds: longer than any delivery may take. */
  leaseMs: number;
  /** The first retry waits about this long, each later one twice as long as the one before, up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** A mail still not accepted this long after it was queued is given up. */
  giveUpAfterMs: number;
  /** Mails claimed and sent at once by one sender. */
  batch: number;
}

const MINUTE = 60_000;
export const defaultSenderTiming: SenderTiming = {
  pollMs: 2_000,
  leaseMs: 5 * MINUTE,
  firstRetryMs: 10_000,
  maxRetryMs: 10 * MINUTE,
  giveUpAfterMs: 3 * 24 * 60 * MINUTE,
  batch: 5,
};

/** The pause after the `attempt`th failure: doubling from `firstRetryMs` to `maxRetryMs`, ±20 % so senders do not retry in step. */
export function retryDelay(attempt: number, timing: SenderTiming, random = Math.random): number {
  const base = Math.min(timing.maxRetryMs, timing.firstRetryMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const CLEANUP_EVERY_MS = 60 * MINUTE;
/** How long closing waits for a delivery under way; after that its lease lapses and it is retried. */
const STOP_GRACE_MS = 10_000;

export class MailSender {
  private running = false;
  private loop: Promise<void> | null = null;
  private woken = false;
  private interruptPause: (() => void) | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly transport: MailTransport,
    /** The envelope sender (the address of From). */
    private readonly from: string,
    private readonly timing: SenderTiming,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Looks for due mails now rather than at the next poll: this process has just queued one. */
  wake(): void {
    this.woken = true;
    this.interruptPause?.();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(timer);
    this.transport.close();
  }

  private async run(): Promise<void> {
    let cleanupAt = 0;
    while (this.running) {
      let claimed = 0;
      try {
        if (Date.now() >= cleanupAt) {
          await deleteOld(this.sql);
          cleanupAt = Date.now() + CLEANUP_EVERY_MS;
        }
        claimed = await this.sendDue();
      } catch (error) {
        // The database is away (or closing): nothing was lost, the rows wait for the next round.
        if (this.running) this.log.warn({ err: error }, 'mail: could not read the outbox; trying again');
      }
      // A full batch means more may be due at once.
      if (this.running && claimed < this.timing.batch) await this.pause(this.timing.pollMs);
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.interruptPause = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.interruptPause = done;
    });
  }

  /** One round: claims the due mails and tries each once; resolves with how many it claimed. */
  async sendDue(): Promise<number> {
    const leaseId = randomUUID();
    const claimed = await claimDue(this.sql, leaseId, this.timing.batch, this.timing.leaseMs);
    const results = await Promise.allSettled(claimed.map((mail) => this.attempt(mail, leaseId)));
    for (const result of results) if (result.status === 'rejected') this.log.warn({ err: result.reason }, 'mail: could not record a delivery attempt');
    return claimed.length;
  }

  private async attempt(mail: ClaimedMail, leaseId: string): Promise<void> {
    try {
      await this.transport.deliver({ id: mail.id, from: this.from, to: mail.recipient, raw: mail.raw, createdAt: mail.createdAt });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof DeliveryError && error.permanent;
      if (permanent || Date.now() - mail.createdAt.getTime() >= this.timing.giveUpAfterMs) {
        this.log.error({ mail: mail.id, attempts: mail.attempts, error: message }, 'mail: given up');
        await markFailed(this.sql, mail.id, leaseId, message);
      } else {
        const delay = retryDelay(mail.attempts, this.timing);
        this.log.warn({ mail: mail.id, attempts: mail.attempts, retryInMs: delay, error: message }, 'mail: not delivered; will retry');
        await retryLater(this.sql, mail.id, leaseId, delay, message);
      }
      return;
    }
    const marked = await retryWhileUnavailable(() => markSent(this.sql, mail.id, leaseId));
    if (!marked) this.log.warn({ mail: mail.id }, 'mail: delivered after its lease lapsed; another sender may deliver it again');
  }
}
