import type { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';
import type { DowntimeReason } from '../contracts/messages/downtime-reasons.js';

/** A reason of the tree with the category it sits in. */
export interface BookedReason extends DowntimeReason {
  category: string;
}

/** A site's reason tree and alarm mapping, indexed: what classification looks reasons up in. */
export interface ReasonBook {
  reason(code: string): BookedReason | undefined;
  /** The reason an alarm code names on a machine: its machine's own mapping first, then the site-wide one. */
  alarmReason(machine: string, alarm: string): string | undefined;
}

/** Indexes a site's downtime master data (already validated: every code it names is in the tree). */
export function reasonBook(master: Pick<SiteDowntimeConfig, 'categories' | 'alarmReasons'>): ReasonBook {
  const reasons = new Map<string, BookedReason>();
  for (const c of master.categories) for (const r of c.reasons) reasons.set(r.code, { ...r, category: c.code });
  const alarms = new Map<string, string>();
  for (const a of master.alarmReasons) alarms.set(`${a.machine ?? '*'}/${a.alarm}`, a.reason);
  return {
    reason: (code) => reasons.get(code),
    alarmReason: (machine, alarm) => alarms.get(`${machine}/${alarm}`) ?? alarms.get(`*/${alarm}`),
  };
}
