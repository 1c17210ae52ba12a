/**
 * An SMS gateway adapter as an operator would run it: an HTTP server on a free loopback port that
 * keeps each POSTed text message (its JSON body and the headers that matter). `refuse` makes it
 * answer the next messages 503, as a gateway that is down does; `next()` waits for the next
 * message instead of polling for it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Arrivals } from './arrivals.js';

export interface ReceivedText {
  body: { id: string; to: string; text: string; textAscii: string };
  raw: string;
  signature: string | undefined;
  idempotencyKey: string | undefined;
}

export interface TestSmsGateway {
  url: string;
  received: ReceivedText[];
  next(): Promise<ReceivedText>;
  refuse(n: number): void;
  close(): Promise<void>;
}

export async function startSmsGateway(): Promise<TestSmsGateway> {
  const arrivals = new Arrivals<ReceivedText>();
  let refusals = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (refusals > 0) {
        refusals--;
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Cổng SMS tạm ngừng (gateway down)');
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const got: ReceivedText = {
        body: JSON.parse(raw) as ReceivedText['body'],
        raw,
        signature: req.headers['x-lienthong-signature'] as string | undefined,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      };
      arrivals.push(got);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    received: arrivals.received,
    next: () => arrivals.next(),
    refuse(n) {
      refusals = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
