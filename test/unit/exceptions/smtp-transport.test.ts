import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExceptionRoutingConfig } from '../../../contracts/messages/exception-routing.js';
import { createMailer, SMTP_TIMEOUTS_MS } from '../../../services/exceptions/mailer.js';

// A relay on TLS with smtp-server's built-in self-signed certificate, on loopback: what an attacker in the path offers.
let server: SMTPServer;
let port = 0;
const received: string[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    secure: true, authOptional: true, logger: false,
    onData(stream, _session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => { received.push(raw); done(); });
    },
  });
  // The refused handshake is the client's doing: the server reports it as an error event, expected here.
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const smtpOf = (extra: object) => ExceptionRoutingConfig.parse({
  groups: { m: { targets: [{ channel: 'email', to: ['m@plant.test'] }] } }, rules: [],
  smtp: { host: '127.0.0.1', port, secure: true, from: 'mes@plant.test', ...extra },
}).smtp!;
const send = (smtp: ReturnType<typeof smtpOf>) => {
  const mailer = createMailer(smtp);
  return mailer.sendMail({ from: smtp.from, to: 'm@plant.test', subject: 'probe', text: 'probe' }).finally(() => mailer.close());
};

describe('exception e-mail transport', () => {
  it('refuses a relay whose certificate does not verify, unless the routing file allows it', async () => {
    await expect(send(smtpOf({}))).rejects.toThrow(/certificate/i);
    expect(received).toHaveLength(0);
    await send(smtpOf({ allowUnverifiedTls: true }));
    expect(received).toHaveLength(1);
  });

  it('gives up on a hung relay inside the send activity\'s 1-minute timeout', () => {
    expect(Math.max(...Object.values(SMTP_TIMEOUTS_MS))).toBeLessThan(60_000);
  });
});
