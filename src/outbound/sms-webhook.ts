/**
 * Text messages through the operator's SMS gateway. Vietnam's SMS brandname services (the
 * carriers' and their resellers') each have an API of their own, so lienthong does not speak
 * any of them: it POSTs each message as JSON to one URL the operator runs (`SMS_WEBHOOK_URL`),
 * which forwards it to their gateway. The body is `{ id, to, text, textAscii }` — `textAscii`
 * the same text without diacritics, for a gateway that sends GSM-7 (160 characters) rather than
 * Unicode (70). `id` is the same when a message is sent again (also as the `Idempotency-Key`
 * header), so the adapter can drop a repeat. With `SMS_WEBHOOK_SECRET`, the body is signed:
 * `X-Lienthong-Signature: sha256=<hex HMAC-SHA256 of the body>`. Any answer but 2xx, or none
 * within the timeout, throws, and the outbox relay tries again later.
 */
import { createHmac } from 'node:crypto';

export interface TextMessage {
  /** Unique per notice, the same when sent again. */
  id: string;
  /** The phone number as the applicant gave it (0… or +84…). */
  to: string;
  text: string;
}

export interface SmsWebhookOptions {
  url: string;
  secret?: string;
  /** Milliseconds to wait for the adapter's answer; default 15 s. */
  timeoutMs?: number;
}

/** Vietnamese without diacritics: 'Hồ sơ đã có kết quả' → 'Ho so da co ket qua'. */
export function withoutDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

export class SmsWebhook {
  constructor(private readonly opts: SmsWebhookOptions) {}

  async send(m: TextMessage): Promise<void> {
    const body = JSON.stringify({ id: m.id, to: m.to, text: m.text, textAscii: withoutDiacritics(m.text) });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': m.id };
    if (this.opts.secret) headers['x-lienthong-signature'] = `sha256=${createHmac('sha256', this.opts.secret).update(body).digest('hex')}`;
    const res = await fetch(this.opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000) });
    if (!res.ok) {
      const said = (await res.text().catch(() => '')).slice(0, 300);
      throw new Error(`SMS gateway answered ${res.status}${said ? `: ${said}` : ''}`);
    }
  }
}
