/**
 * A real SMTP server on a free loopback port (smtp-server), keeping what it receives parsed
 * (mailparser): the mail server the applicants' e-mails go through in the tests. `refuse` makes
 * it answer the next messages with a temporary failure, as a busy server does; `next()` waits for
 * the next message instead of polling for it.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Arrivals } from './arrivals.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** The message after the ones received so far (or the one already waiting). */
  next(): Promise<ReceivedMail>;
  /** Answer the next `n` messages with 451. */
  refuse(n: number): void;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const arrivals = new Arrivals<ReceivedMail>();
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (refusals > 0) {
            refusals--;
            const e = new Error('4.3.2 Hệ thống thư đang bận, thử lại sau (try again later)') as Error & { responseCode: number };
            e.responseCode = 451;
            callback(e);
            return;
          }
          const mail: ReceivedMail = {
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
          };
          arrivals.push(mail);
          callback();
        })
        .catch((e: unknown) => callback(e as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: arrivals.received,
    next: () => arrivals.next(),
    refuse(n) {
      refusals = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
