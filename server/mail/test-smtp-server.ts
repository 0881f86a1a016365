import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Mailbox } from './test-mailbox.ts';

export interface ReceivedMail {
  /** The envelope's recipients, as the client gave them in RCPT TO. */
  rcptTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/**
 * A real SMTP server (the smtp-server package) on a spare port of 127.0.0.1, which keeps what it
 * receives. It can be taken down (connections refused) and brought up on the same port, or told to
 * answer every message with a temporary refusal (451), as a server with a full queue does.
 */
export class TestSmtpServer implements Mailbox {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private refusing = false;
  /** Addresses refused for good (550), as for a mailbox that does not exist. */
  readonly unknownRecipients = new Set<string>();
  private port = 0;

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer();
    await smtp.up();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async all(): Promise<ParsedMail[]> {
    return this.received.map((mail) => mail.parsed);
  }

  /** Temporary refusals (451) for every message from now on, or not. */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.unknownRecipients.has(address.address.toLowerCase())) callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
        else callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refusing) {
            callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then(
            (parsed) => {
              this.received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
