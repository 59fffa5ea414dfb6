import nodemailer, { type Transporter } from 'nodemailer';
import type { ExceptionRoutingConfig } from '../../contracts/messages/exception-routing.js';

/**
 * Seconds nodemailer may wait to connect, for the greeting, and on an idle socket. Below the send activity's
 * 1-minute start-to-close (workflows/exception-routing.ts): a relay that hangs fails the attempt inside it, instead of
 * going on in the background while Temporal's next attempt, finding the target claimed but not marked sent, mails it
 * again. (nodemailer's own defaults are 2 min, 30 s and 10 min.)
 */
export const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * The SMTP transport of the routing file's `smtp`. The relay's certificate is verified (TLS, or STARTTLS when the
 * relay offers it): exception texts name orders, lines and the ERP's words, and a relay that cannot prove who it is
 * could read them. `allowUnverifiedTls: true` accepts a self-signed relay, as the file says so.
 */
export function createMailer(smtp: NonNullable<ExceptionRoutingConfig['smtp']>): Transporter {
  return nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: smtp.secure, ...SMTP_TIMEOUTS_MS,
    tls: { rejectUnauthorized: !smtp.allowUnverifiedTls },
  });
}
