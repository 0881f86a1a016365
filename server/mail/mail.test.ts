import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startTestApp, type TestApp } from '../test-app.ts';
import type { Recipient } from './compose.ts';
import { defaultSenderTiming } from './sender.ts';
import type { MailTemplate } from './template.ts';
import { passwordResetMail } from './templates/password-reset.ts';
import { verifyAddressMail } from './templates/verify-address.ts';
import { linkIn, mailTo, waitForMail } from './test-mailbox.ts';
import { TestSmtpServer } from './test-smtp-server.ts';

const fast = { ...defaultSenderTiming, pollMs: 50, firstRetryMs: 100, maxRetryMs: 400 };

/** A mail that is not a security mail, as notifications will be: it can be unsubscribed from. */
const noticeMail: MailTemplate<{ what: string }> = {
  kind: 'test-notice',
  list: 'test-notices',
  perAddressPerHour: null,
  content: (lang, { what }, links) => ({
    subject: { fi: `Uutta: ${what}`, sv: `Nytt: ${what}`, en: `News: ${what}` }[lang],
    intro: [what],
    actions: [{ label: 'Aukio', url: links.page('/') }],
    outro: [],
  }),
};

let smtp: TestSmtpServer;
let t: TestApp;
let people = 0;

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  t = await startTestApp({ mail: { smtpUrl: smtp.url, from: 'Pihlajalahden Aukio <aukio@pihlajalahti.example>', sender: fast } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.down();
});

/** An account in the database, to write to. */
async function person(language: Recipient['language']): Promise<Recipient & { userId: string }> {
  people += 1;
  const address = `person${people}@example.fi`;
  const [row] = await t.app.db.sql<{ id: string }[]>`
    insert into users (email, email_key, display_name, password_hash, language)
    values (${address}, ${address}, ${`Person ${people}`}, 'x', ${language}) returning id`;
  return { address, userId: row!.id, language };
}

const headerOf = (mail: ParsedMail, name: string) => mail.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '');

describe('mail over SMTP', () => {
  it.each([
    ['fi', 'Valitse uusi salasana Aukioon', 'Linkin voimassaoloaika on 1 tunti'],
    ['sv', 'Välj ett nytt lösenord för Aukio', 'Länken gäller i 1 timme'],
    ['en', 'Choose a new password for Aukio', 'The link is valid for 1 hour'],
  ] as const)('arrives in the recipient’s language (%s), as plain text and HTML, with its headers', async (language, subject, validity) => {
    const to = await person(language);
    expect(await t.app.mail.send(passwordResetMail, to, { displayName: 'Åsa <Öberg>', token: 'tok123', validHours: 1 })).toBe(true);
    const mail = await waitForMail(smtp, mailTo(to.address));
    expect(mail.subject).toBe(subject);
    expect(mail.from?.value).toEqual([{ name: 'Pihlajalahden Aukio', address: 'aukio@pihlajalahti.example' }]);
    expect(mail.text).toContain(validity);
    expect(mail.text).toContain('Åsa <Öberg>');
    const link = linkIn(mail, '/reset-password');
    expect(link.searchParams.get('token')).toBe('tok123');
    // The HTML says the same, escaped, and links to the same address.
    expect(mail.html).toContain(`<html lang="${language}">`);
    expect(mail.html).toContain('Åsa &#60;Öberg&#62;');
    expect(mail.html).toContain(`href="${link.href.replace(/&/g, '&#38;')}"`);
    expect(headerOf(mail, 'Content-Language')).toBe(language);
    expect(headerOf(mail, 'Auto-Submitted')).toBe('auto-generated');
    // A security mail cannot be unsubscribed from.
    expect(headerOf(mail, 'List-Unsubscribe')).toBeUndefined();
    expect(smtp.received.find((r) => r.parsed === mail)?.rcptTo).toEqual([to.address]);

    // Delivered: the row says so, with the same Message-ID, and no longer holds the message (it had a live link).
    const [row] = await t.app.db.sql<{ messageId: string; sent: boolean; raw: Buffer | null; attempts: number }[]>`
      select message_id as "messageId", sent_at is not null as sent, raw, attempts from mail_outbox where recipient = ${to.address}`;
    expect(mail.messageId).toBe(row!.messageId);
    await expect.poll(async () => (await t.app.db.sql`select 1 from mail_outbox where recipient = ${to.address} and sent_at is not null and raw is null`).length).toBe(1);
    expect(row!.attempts).toBe(1);
  });

  it('gives every mail but a security mail List-Unsubscribe with RFC 8058 one-click, which takes effect', async () => {
    const to = await person('sv');
    expect(await t.app.mail.send(noticeMail, to, { what: 'ett möte' })).toBe(true);
    const mail = await waitForMail(smtp, mailTo(to.address));
    expect(headerOf(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const oneClick = new URL(/^<(.+)>$/.exec(headerOf(mail, 'List-Unsubscribe') ?? '')![1]!);
    expect(oneClick.pathname).toMatch(/^\/api\/mail\/unsubscribe\/[^/]+$/);
    // The text and the HTML also link to the unsubscribe page, for mail programs without the button.
    const page = linkIn(mail, '/unsubscribe');
    expect(page.searchParams.get('token')).toBe(decodeURIComponent(oneClick.pathname.split('/').at(-1)!));
    expect(mail.html).toContain('Avsluta prenumerationen');

    // The mail program's POST: no session, no Origin of ours, the form body RFC 8058 prescribes.
    const unsubscribe = await t.app.inject({
      method: 'POST',
      url: oneClick.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example.net' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(unsubscribe.statusCode, unsubscribe.body).toBe(200);
    expect(unsubscribe.json()).toEqual({ list: 'test-notices' });
    // Sent again (as some mail programs do, and as multipart): still fine.
    const again = await t.app.inject({
      method: 'POST',
      url: oneClick.pathname,
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      payload: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
    });
    expect(again.statusCode, again.body).toBe(200);

    // No more mails of that list; security mails still go.
    expect(await t.app.mail.send(noticeMail, to, { what: 'ett annat möte' })).toBe(false);
    expect(await t.app.mail.send(passwordResetMail, to, { displayName: 'x', token: 'after-unsubscribe', validHours: 1 })).toBe(true);
    const security = await waitForMail(smtp, (m) => mailTo(to.address)(m) && (m.text ?? '').includes('after-unsubscribe'));
    expect(security.subject).toBe('Välj ett nytt lösenord för Aukio');
    expect(smtp.received.filter((r) => r.rcptTo.includes(to.address)).map((r) => r.parsed.subject)).toEqual(['Nytt: ett möte', 'Välj ett nytt lösenord för Aukio']);
  });

  it('refuses a forged or altered unsubscribe token with a 400 and changes nothing', async () => {
    const to = await person('fi');
    await t.app.mail.send(noticeMail, to, { what: 'kokous' });
    const mail = await waitForMail(smtp, mailTo(to.address));
    const token = decodeURIComponent(/\/unsubscribe\/([^>]+)>/.exec(headerOf(mail, 'List-Unsubscribe')!)![1]!);
    const [userId, list, signature] = token.split('.') as [string, string, string];
    const other = await person('fi');
    for (const forged of [`${other.userId}.${list}.${signature}`, `${userId}.other-list.${signature}`, `${userId}.${list}.${'A'.repeat(43)}`, 'nonsense']) {
      const response = await t.app.inject({ method: 'POST', url: `/api/mail/unsubscribe/${encodeURIComponent(forged)}`, payload: {} });
      expect(response.statusCode, forged).toBe(400);
      expect(response.json()).toMatchObject({ code: 'invalid_token', message: 'This unsubscribe link is not valid' });
    }
    expect(await t.app.db.sql`select 1 from mail_unsubscribes where user_id in (${userId}, ${other.userId})`).toHaveLength(0);
  });

  it('sends at most the template’s number of mails to one address in an hour, and then stores nothing else either', async () => {
    const to = await person('en');
    const results: boolean[] = [];
    let along = 0;
    for (let i = 0; i < 7; i += 1) {
      results.push(await t.app.mail.send(verifyAddressMail, { ...to, address: to.address.toUpperCase() }, { token: `t${i}`, validHours: 24 }, async () => void (along += 1)));
    }
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(along).toBe(5);
    const [row] = await t.app.db.sql<{ count: number }[]>`select count(*)::int as count from mail_outbox where recipient_key = ${to.address}`;
    expect(row!.count).toBe(5);
  });

  it('gives up at once on a permanent refusal (550) and records why', async () => {
    const address = 'no-such-mailbox@example.fi';
    smtp.unknownRecipients.add(address);
    await t.app.mail.send(verifyAddressMail, { address, userId: null, language: 'fi' }, { token: 'x', validHours: 24 });
    await expect
      .poll(async () => (await t.app.db.sql<{ failed: boolean; attempts: number; raw: Buffer | null }[]>`
          select failed_at is not null as failed, attempts, raw from mail_outbox where recipient = ${address}`)[0], { timeout: 10_000 })
      .toEqual({ failed: true, attempts: 1, raw: null });
  });
});

describe('mail without an SMTP server', () => {
  it('is written as an .eml file that parses as the same mail, and the app says where', async () => {
    const local = await startTestApp({ mail: { sender: fast } });
    try {
      const directory = local.app.mail.fileDirectory!;
      expect(local.app.mail.description).toBe(`written as .eml files to ${directory}`);
      await local.app.mail.send(verifyAddressMail, { address: 'eml@example.fi', userId: null, language: 'sv' }, { token: 'eml-token', validHours: 24 });
      const mail = await waitForMail(local.mailbox, mailTo('eml@example.fi'));
      expect(mail.subject).toBe('Bekräfta din e-postadress för Aukio');
      expect(linkIn(mail, '/verify').searchParams.get('token')).toBe('eml-token');
      expect(mail.html).toContain('Bekräfta min adress');
      const files = await readdir(directory);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d-]+Z-[0-9a-f-]{36}\.eml$/);
      const raw = await readFile(`${directory}/${files[0]}`);
      expect(raw.toString()).toMatch(/^Message-ID: <[0-9a-f-]{36}@localhost>\r$/m);
      expect((await simpleParser(raw)).messageId).toBe(mail.messageId);
    } finally {
      await local.close();
    }
  });
});
