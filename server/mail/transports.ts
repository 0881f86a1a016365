import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** Where a queued mail goes: an SMTP server, or .eml files on this machine. */
export interface MailTransport {
  /** Said once at start: where mails go (never the SMTP password). */
  readonly description: string;
  /** Resolves once the message is accepted; a failure says whether trying again could help. */
  deliver(mail: { id: string; from: string; to: string; raw: Buffer; createdAt: Date }): Promise<void>;
  close(): void;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** The server refused the message for good (a 5xx reply): sending it again would be refused again. */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

// Each wait is bounded and all of them together stay well inside the sender's lease (sender.ts),
// so no mail is still being sent when another sender may take it over.
const SMTP_TIMEOUTS_MS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000, dnsTimeout: 10_000 } as const;

export function smtpTransport(url: string): MailTransport {
  const { hostname, port, protocol } = new URL(url);
  const smtp = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS_MS });
  return {
    description: `sent through the SMTP server ${protocol}//${hostname}${port ? `:${port}` : ''}`,
    async deliver(mail) {
      try {
        await smtp.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.raw });
      } catch (error) {
        const e = error as { message?: string; permanent?: boolean };
        throw new DeliveryError(e.message ?? String(error), e.permanent === true);
      }
    },
    close: () => smtp.close(),
  };
}

/**
 * Without an SMTP server each mail becomes a file, the raw RFC 5322 message any mail program opens,
 * named by when it was queued and its id, so a listing is in order and a mail written again after
 * a crash replaces its own file instead of making a second one.
 */
export function fileTransport(directory: string, onWritten: (file: string) => void): MailTransport {
  return {
    description: `written as .eml files to ${directory}`,
    async deliver(mail) {
      await mkdir(directory, { recursive: true });
      const name = `${mail.createdAt.toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`;
      const file = join(directory, name);
      // Written aside and renamed into place: whoever reads the directory never sees half a mail.
      await writeFile(`${file}.part`, mail.raw);
      await rename(`${file}.part`, file);
      onWritten(file);
    },
    close: () => {},
  };
}
