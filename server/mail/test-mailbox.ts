import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** Mails as the person receives them: .eml files the app wrote, or what a test SMTP server took in. */
export interface Mailbox {
  /** Every mail so far, oldest first. */
  all(): Promise<ParsedMail[]>;
}

/** Waits until a mail `match`es (the newest that does), or fails after `timeoutMs` naming what arrived. */
export async function waitForMail(mailbox: Mailbox, match: (mail: ParsedMail) => boolean, timeoutMs = 15_000): Promise<ParsedMail> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailbox.all();
    const found = mails.filter(match).at(-1);
    if (found) return found;
    if (Date.now() > giveUpAt) throw new Error(`no such mail within ${timeoutMs} ms; arrived: ${mails.map((m) => `${recipientsOf(m).join(',')}: ${m.subject}`).join(' | ') || 'none'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function recipientsOf(mail: ParsedMail): string[] {
  const to = [mail.to ?? []].flat() as AddressObject[];
  return to.flatMap((group) => group.value.map((address) => address.address?.toLowerCase() ?? ''));
}

export const mailTo = (address: string) => (mail: ParsedMail) => recipientsOf(mail).includes(address.toLowerCase());

/** The address a mail's text links to on `path` (e.g. `/verify`), as a URL. */
export function linkIn(mail: ParsedMail, path: string): URL {
  for (const match of (mail.text ?? '').matchAll(/https?:\/\/\S+/g)) {
    const url = new URL(match[0]);
    if (url.pathname === path) return url;
  }
  throw new Error(`no link to ${path} in the mail "${mail.subject}":\n${mail.text}`);
}

/** The .eml files of a directory (server/mail/transports.ts), each parsed once. */
export function emlMailbox(directory: string): Mailbox {
  const parsed = new Map<string, ParsedMail>();
  return {
    async all() {
      const names = (await readdir(directory).catch(() => [] as string[])).filter((name) => name.endsWith('.eml')).sort();
      for (const name of names) if (!parsed.has(name)) parsed.set(name, await simpleParser(await readFile(join(directory, name))));
      return names.map((name) => parsed.get(name)!);
    },
  };
}
