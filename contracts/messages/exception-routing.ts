import { z } from 'zod';
import { Token } from '../tokens.js';
import { ExceptionKind, type ExceptionKind as Kind } from './exception.js';

/**
 * How a group is told: a webhook (a JSON body Teams' and Slack's incoming webhooks both take: `text`), e-mail over
 * SMTP (the config's `smtp`), or the line's andon board on NATS (`mes.<site>.<line>.andon`).
 */
export const NotifyTarget = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('webhook'), url: z.url() }),
  z.object({ channel: z.literal('email'), to: z.array(z.email()).min(1, 'must name at least one address') }),
  z.object({ channel: z.literal('andon') }),
]);
export type NotifyTarget = z.infer<typeof NotifyTarget>;

/** A named group of people (a role at a place: "line-1 supervisors", "quality engineers") and how it is reached. */
export const NotifyGroup = z.object({
  role: z.string().min(1).optional(),
  targets: z.array(NotifyTarget).min(1, 'must name at least one target'),
});

/** One level of a rule: the groups told, and how long (s) the record may stay unacknowledged before the next level. */
export const RoutingLevel = z.object({
  notify: z.array(z.string().min(1)).min(1, 'must name at least one group'),
  escalateAfterSeconds: z.number().positive().max(30 * 24 * 3600).optional(),
});
export type RoutingLevel = z.infer<typeof RoutingLevel>;

/** A rule: which exceptions (site, line, kinds; absent: any) go to which levels. The first matching rule wins. */
export const RoutingRule = z.object({
  site: Token.optional(),
  line: Token.optional(),
  kinds: z.array(ExceptionKind).min(1).optional(),
  levels: z.array(RoutingLevel).min(1, 'must have at least one level'),
});
export type RoutingRule = z.infer<typeof RoutingRule>;

/**
 * The routing file (MES_EXCEPTION_ROUTING, YAML or JSON; docs/exceptions.md): groups, rules, the SMTP relay, and
 * the limits of the periodic checks (a counter hold undecided, an order waiting for the ERP).
 */
export const ExceptionRoutingConfig = z
  .object({
    groups: z.record(z.string().min(1), NotifyGroup),
    rules: z.array(RoutingRule),
    smtp: z.object({
      host: z.string().min(1), port: z.number().int().min(1).max(65535), secure: z.boolean().default(false), from: z.email(),
      /** Accept a relay whose TLS certificate does not verify (self-signed); off: it is verified. */
      allowUnverifiedTls: z.boolean().default(false),
    }).optional(),
    limits: z.object({
      holdUndecidedSeconds: z.number().positive().default(4 * 3600),
      erpWaitSeconds: z.number().positive().default(1800),
    }).default({ holdUndecidedSeconds: 4 * 3600, erpWaitSeconds: 1800 }),
  })
  .superRefine((c, ctx) => {
    c.rules.forEach((r, i) => r.levels.forEach((l, j) => l.notify.forEach((g, k) => {
      if (!c.groups[g]) ctx.addIssue({ code: 'custom', path: ['rules', i, 'levels', j, 'notify', k], message: `names group ${g}, which groups does not define` });
    })));
    const mails = Object.entries(c.groups).some(([, g]) => g.targets.some((t) => t.channel === 'email'));
    if (mails && !c.smtp) ctx.addIssue({ code: 'custom', path: ['smtp'], message: 'is required when a group is reached by e-mail' });
  });
export type ExceptionRoutingConfig = z.infer<typeof ExceptionRoutingConfig>;

/** The levels of the first rule matching the exception's place and kind; empty when no rule matches (nobody is told). */
export function levelsFor(config: ExceptionRoutingConfig, e: { site: string; line: string | null; kind: Kind }): RoutingLevel[] {
  const rule = config.rules.find((r) => (!r.site || r.site === e.site) && (!r.line || r.line === e.line) && (!r.kinds || r.kinds.includes(e.kind)));
  return rule?.levels ?? [];
}
