import type { FastifyInstance } from 'fastify';
import type { Lang } from '../mail/language.ts';
import { emlMailbox, linkIn, mailTo, waitForMail, type Mailbox } from '../mail/test-mailbox.ts';
import type { SessionUser } from './sessions.ts';

export interface NewAccount {
  email: string;
  password: string;
  displayName: string;
  language?: Lang;
}

/**
 * Where to sign up: an app in this process (requests injected, mails read from the .eml files it
 * writes), or a server at an address and the mailbox its mails reach.
 */
export type SignUpServer = FastifyInstance | { url: string; mailbox: Mailbox };

export interface SignUpOptions {
  /** The client's address (injected requests only): each sign-up from its own, so the per-client limits never meet. */
  remoteAddress?: string;
  /** Sent with both requests (a User-Agent the session should record, an Accept-Language). */
  headers?: Record<string, string>;
}

const mailboxes = new Map<string, Mailbox>();

function mailboxOf(server: SignUpServer): Mailbox {
  if ('mailbox' in server) return server.mailbox;
  const directory = server.mail.fileDirectory;
  if (!directory) throw new Error('this app sends its mail over SMTP: pass { url, mailbox } with the SMTP server as the mailbox');
  let mailbox = mailboxes.get(directory);
  if (!mailbox) mailboxes.set(directory, (mailbox = emlMailbox(directory)));
  return mailbox;
}

async function post(server: SignUpServer, url: string, payload: object, options: SignUpOptions): Promise<{ status: number; body: string; cookie: string | undefined }> {
  const headers = { 'content-type': 'application/json', ...options.headers };
  if ('mailbox' in server) {
    const response = await fetch(`${server.url}${url}`, { method: 'POST', headers, body: JSON.stringify(payload) });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('aukio_session='));
    return { status: response.status, body: await response.text(), cookie: cookie?.split(';')[0] };
  }
  const response = await server.inject({ method: 'POST', url, headers, payload, ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}) });
  const cookie = response.cookies.find((c) => c.name === 'aukio_session');
  return { status: response.statusCode, body: response.body, cookie: cookie && `aukio_session=${cookie.value}` };
}

/**
 * Signs a person up the way a person does: sign-up, the address check's mail as it arrived, the
 * link in it followed. Returns the new account and its session cookie (`aukio_session=…`).
 */
export async function signUpThroughMail(server: SignUpServer, account: NewAccount, options: SignUpOptions = {}): Promise<{ cookie: string; user: SessionUser }> {
  const signUp = await post(server, '/api/auth/signup', account, options);
  if (signUp.status !== 202) throw new Error(`signing up ${account.email} answered ${signUp.status}: ${signUp.body}`);
  const mail = await waitForMail(mailboxOf(server), (m) => mailTo(account.email)(m) && (m.text ?? '').includes('/verify?token='));
  const token = linkIn(mail, '/verify').searchParams.get('token')!;
  const verified = await post(server, '/api/auth/verify', { token }, options);
  if (verified.status !== 200 || !verified.cookie) throw new Error(`following the link mailed to ${account.email} answered ${verified.status}: ${verified.body}`);
  return { cookie: verified.cookie, user: (JSON.parse(verified.body) as { user: SessionUser }).user };
}
