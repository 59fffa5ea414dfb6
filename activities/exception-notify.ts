import { createHash } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Transporter } from 'nodemailer';
import { levelsFor, type ExceptionRoutingConfig, type NotifyTarget } from '../contracts/messages/exception-routing.js';
import type { Db } from '../db/client.js';
import { claimNotification, getException, markNotificationSent, setEscalationLevel, type ExceptionRecord } from '../db/exception-records.js';
import { andonSubject, type ExceptionKind } from '../contracts/messages/exception.js';
import { exceptionText, exceptionView } from '../services/exceptions/view.js';

export interface ExceptionActivityDeps {
  db: Db;
  nc: NatsConnection;
  /** The routing file as loaded now (services/exceptions/routing-file.ts): a change applies to the next activity. */
  routing: () => ExceptionRoutingConfig;
  /** SMTP transport (nodemailer) when the routing file has `smtp`. */
  mailer?: Transporter;
  /** Timeout (ms) of one webhook call; 10 s by default. */
  webhookTimeoutMs?: number;
}

/**
 * A target's key in exception_notifications and in the idempotency key: stable per target. A webhook is named by a
 * digest of its URL, never the URL: Slack's and Teams' incoming webhook URLs are their secret.
 */
const targetKey = (group: string, t: NotifyTarget) =>
  `${group}:${t.channel === 'webhook' ? `webhook-${createHash('sha256').update(t.url).digest('hex').slice(0, 16)}` : t.channel === 'email' ? t.to.join(',') : 'andon'}`;

/**
 * Text for a chat webhook with `&`, `<` and `>` escaped, as Slack's message formatting asks ("Escaping text"): the
 * reason quotes machines and the ERP, and `<!channel>` or `<https://…|label>` in them must not ping a whole channel or
 * become a link. Teams shows the entities as the characters.
 */
export const chatEscaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The routing workflow's activities (workflows/exception-routing.ts): its plan, and the sends of one level with
 * their idempotency guard.
 */
export function createExceptionActivities(d: ExceptionActivityDeps) {
  const record = async (id: number): Promise<ExceptionRecord> => {
    const r = await getException(d.db, id);
    if (!r) throw new Error(`exception record ${id} not found`);
    return r;
  };
  const levels = (r: ExceptionRecord) => levelsFor(d.routing(), { site: r.siteCode, line: r.lineCode, kind: r.kind as ExceptionKind });

  async function send(t: NotifyTarget, r: ExceptionRecord, level: number, key: string): Promise<void> {
    const view = exceptionView(r);
    const text = exceptionText(r, level);
    if (t.channel === 'webhook') {
      // `text` is what Slack's and Teams' incoming webhooks show; `exception` carries the record for other receivers.
      const res = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ text: chatEscaped(text), level, exception: view }),
        signal: AbortSignal.timeout(d.webhookTimeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`webhook ${new URL(t.url).host} answered ${res.status}`);
    } else if (t.channel === 'email') {
      const from = d.routing().smtp?.from;
      if (!d.mailer || !from) throw new Error('e-mail target without smtp in the routing file');
      // A stable Message-ID: a send repeated after a crash is one message to clients that thread or dedupe by it.
      await d.mailer.sendMail({ from, to: t.to, subject: `[${r.severity}] ${r.kind} at ${r.siteCode}${r.lineCode ? `/${r.lineCode}` : ''}`, text, messageId: `<${key.replace(/[^a-zA-Z0-9.-]/g, '_')}@mes-exceptions>` });
    } else {
      d.nc.publish(andonSubject(r.siteCode, r.lineCode), JSON.stringify({ level, exception: view }));
      await d.nc.flush();
    }
  }

  return {
    /** The record's state and, per level of its rule, the wait (ms) before the next one (null: no escalation by time). */
    async exceptionRouting(recordId: number): Promise<{ state: string; escalateAfterMs: Array<number | null> }> {
      const r = await record(recordId);
      return { state: r.state, escalateAfterMs: levels(r).map((l) => (l.escalateAfterSeconds === undefined ? null : l.escalateAfterSeconds * 1000)) };
    },

    /**
     * Tells every target of one level, each at most once (exception_notifications); records the level reached.
     * Nothing for a resolved record (`resolved: true`: the routing ends).
     */
    async notifyException({ recordId, level }: { recordId: number; level: number }): Promise<{ sent: number; resolved?: boolean }> {
      const r = await record(recordId);
      // A record resolved whose routing was not told (the resolver's signal lost after its commit): nobody more is
      // told, and the routing ends.
      if (r.state === 'resolved') return { sent: 0, resolved: true };
      const l = levels(r)[level];
      if (!l) return { sent: 0 };
      const groups = d.routing().groups;
      let sent = 0;
      for (const name of l.notify) {
        for (const t of groups[name]?.targets ?? []) {
          const key = `exception-${recordId}-L${level}-${targetKey(name, t)}`;
          if ((await claimNotification(d.db, recordId, level, targetKey(name, t), t.channel)) === 'sent') continue;
          await send(t, r, level, key);
          await markNotificationSent(d.db, recordId, level, targetKey(name, t));
          sent++;
        }
      }
      await setEscalationLevel(d.db, recordId, level);
      return { sent };
    },
  };
}
