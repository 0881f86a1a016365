import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Lang } from './language.ts';
import type { RenderedMail } from './layout.ts';

export interface Recipient {
  address: string;
  /** The account the mail is for; null for an address that has none yet (an address check). */
  userId: string | null;
  language: Lang;
}

/** A mail as the outbox keeps it: the finished message, sent as it is on every attempt. */
export interface ComposedMail {
  id: string;
  kind: string;
  to: Recipient;
  /** The envelope sender: the address part of From. */
  from: string;
  messageId: string;
  raw: Buffer;
}

/** The address part of `Name <address@host>`. */
export function addressOf(mailbox: string): string {
  const [first] = addressparser(mailbox, { flatten: true });
  if (!first?.address) throw new Error(`not a mail address: ${mailbox}`);
  return first.address;
}

/**
 * The whole RFC 5322 message, composed once when the mail is queued: its Message-ID and Date stay
 * the same on every attempt, so a mail delivered twice after a crash (see sender.ts) is one message
 * to the receiving servers and mail programs, which drop the copy.
 */
export async function composeMail(opts: {
  from: string;
  kind: string;
  to: Recipient;
  mail: RenderedMail;
  /** The one-click unsubscribe address (RFC 8058); null for a security mail. */
  unsubscribe: string | null;
}): Promise<ComposedMail> {
  const id = randomUUID();
  const from = addressOf(opts.from);
  const messageId = `<${id}@${from.split('@')[1]}>`;
  const headers: Record<string, string> = {
    // RFC 3834: no out-of-office answers to an automatic mail.
    'Auto-Submitted': 'auto-generated',
    'Content-Language': opts.to.language,
  };
  if (opts.unsubscribe) {
    headers['List-Unsubscribe'] = `<${opts.unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const raw = await new MailComposer({
    from: opts.from,
    to: opts.to.address,
    subject: opts.mail.subject,
    messageId,
    text: opts.mail.text,
    html: opts.mail.html,
    headers,
  })
    .compile()
    .build();
  return { id, kind: opts.kind, to: opts.to, from, messageId, raw };
}
