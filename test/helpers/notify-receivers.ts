import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** What a receiver got: the webhook's JSON bodies, the SMTP server's raw messages. */
export interface Received {
  webhooks: Array<{ idempotencyKey: string | undefined; body: { text: string; level: number; exception: { id: number; kind: string } } }>;
  mails: Array<{ to: string[]; raw: string }>;
}

/**
 * A webhook receiver (node http, answers 200) and an SMTP server (smtp-server, no auth, no TLS) on loopback ports,
 * collecting what the exception routing sends. `stop` closes both.
 */
export async function startNotifyReceivers(): Promise<{ webhookUrl: string; smtpPort: number; received: Received; stop(): Promise<void> }> {
  const received: Received = { webhooks: [], mails: [] };
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.webhooks.push({ idempotencyKey: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(body) as Received['webhooks'][number]['body'] });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        received.mails.push({ to: session.envelope.rcptTo.map((a) => a.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  return {
    webhookUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`,
    smtpPort: (smtp.server.address() as AddressInfo).port,
    received,
    stop: async () => {
      await new Promise<void>((r) => http.close(() => r()));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}
