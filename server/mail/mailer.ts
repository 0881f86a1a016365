import type { Queries, Sql } from '../../db/connection.ts';
import { composeMail, type Recipient } from './compose.ts';
import { renderMail } from './layout.ts';
import { enqueue, isUnsubscribed, lockAddress, queuedInLastHour } from './outbox.ts';
import type { MailLinks, MailTemplate } from './template.ts';
import { unsubscribeKey, unsubscribeToken } from './unsubscribe.ts';

export interface MailerOptions {
  sql: Sql;
  from: string;
  links: MailLinks;
  /** The address of the app itself, for the one-click unsubscribe POST. */
  apiUrl(path: string): string;
  /** Where mails are written as .eml files; null when they go to an SMTP server. */
  fileDirectory: string | null;
  /** Where mails go, as said at start. */
  description: string;
  /** Tells this process's sender a mail is waiting. */
  wake(): void;
}

/** What the rest of the app sees of mail: `app.mail.send(template, recipient, params)`. */
export class Mailer {
  readonly fileDirectory: string | null;
  readonly description: string;

  constructor(private readonly options: MailerOptions) {
    this.fileDirectory = options.fileDirectory;
    this.description = options.description;
  }

  /**
   * Writes the mail in the recipient's language and queues it; `alongWith` runs in the same
   * transaction, so a change and the mail that tells of it are stored together or not at all.
   * Resolves false, with nothing stored and `alongWith` not run, when the template's limit per
   * address is reached or the person left the template's list.
   */
  async send<Params>(template: MailTemplate<Params>, to: Recipient, params: Params, alongWith?: (tx: Queries) => Promise<void>): Promise<boolean> {
    const { sql } = this.options;
    let unsubscribe: string | null = null;
    if (template.list !== null) {
      if (!to.userId) throw new Error(`${template.kind} mails can be unsubscribed from, so they go to accounts only`);
      unsubscribe = unsubscribeToken(await unsubscribeKey(sql), to.userId, template.list);
    }
    const content = template.content(to.language, params, this.options.links);
    const mail = await composeMail({
      from: this.options.from,
      kind: template.kind,
      to,
      mail: renderMail(to.language, content, unsubscribe && this.options.links.page('/unsubscribe', { token: unsubscribe })),
      unsubscribe: unsubscribe && this.options.apiUrl(`/api/mail/unsubscribe/${unsubscribe}`),
    });
    const queued = await sql.begin(async (tx) => {
      if (template.perAddressPerHour !== null) {
        await lockAddress(tx, to.address);
        if ((await queuedInLastHour(tx, to.address, template.kind)) >= template.perAddressPerHour) return false;
      }
      if (template.list !== null && to.userId && (await isUnsubscribed(tx, to.userId, template.list))) return false;
      await alongWith?.(tx);
      await enqueue(tx, mail);
      return true;
    });
    if (queued) this.options.wake();
    return queued;
  }
}
