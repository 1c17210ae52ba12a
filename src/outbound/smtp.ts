/**
 * E-mail through an SMTP server (nodemailer). Nothing is sent, and no connection is
 * opened, unless the service is given a server (`SMTP_URL`); then only to that server. A
 * failed send throws, and the outbox relay that called it tries again later.
 */
import { createTransport, type Transporter } from 'nodemailer';

export interface SmtpMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export interface SmtpMailerOptions {
  /** `smtp://user:password@host:587` (STARTTLS when the server offers it) or `smtps://…:465`. */
  url: string;
  /** The sender: `"Bộ phận Một cửa" <mot-cua@example.gov.vn>`. */
  from: string;
  /** Milliseconds to connect and for the server's greeting and answers; default 30 s. */
  timeoutMs?: number;
}

export class SmtpMailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(opts: SmtpMailerOptions) {
    const url = new URL(opts.url);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps:// (got '${url.protocol}')`);
    const timeout = opts.timeoutMs ?? 30_000;
    this.transport = createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    this.from = opts.from;
  }

  async send(mail: SmtpMail): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: mail.messageId });
  }

  close(): void {
    this.transport.close();
  }
}
