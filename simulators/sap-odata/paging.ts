import { SapBusinessError } from './store.js';

/**
 * `$orderby=<Field> [asc|desc][,<Field> [asc|desc]]...` and `$top=<n>` on an already filtered collection. Any other
 * `$orderby` is refused with Gateway's message, as an unsupported `$filter` is.
 */
export function orderAndTop<T extends object>(rows: T[], orderby: string | undefined, top: string | undefined): T[] {
  let out = rows;
  if (orderby) {
    const keys = orderby.split(',').map((k) => {
      const m = /^(\w+)(?:\s+(asc|desc))?$/.exec(k.trim());
      if (!m) throw new SapBusinessError('/IWBEP/CM_MGW_RT/022', `Unsupported $orderby: ${orderby}`);
      return { field: m[1]!, sign: m[2] === 'desc' ? -1 : 1 };
    });
    const at = (r: T, f: string) => String((r as Record<string, unknown>)[f]);
    out = [...rows].sort((a, b) => {
      for (const k of keys) {
        const c = at(a, k.field).localeCompare(at(b, k.field));
        if (c !== 0) return k.sign * c;
      }
      return 0;
    });
  }
  if (top !== undefined) {
    if (!/^\d+$/.test(top)) throw new SapBusinessError('/IWBEP/CM_MGW_RT/022', `Invalid $top: ${top}`);
    out = out.slice(0, Number(top));
  }
  return out;
}

/**
 * Server-driven paging as SAP Gateway does it (OData v2 JSON format, "Representing Collections of Entries"): with a
 * page size, a collection longer than it answers one page and `__next`, the request's own URL with `$skiptoken` set
 * to where the next page starts; the client follows it. Without a page size (the double's default), one page.
 */
export function pageOf<T>(rows: T[], url: URL, pageSize: number | undefined): { rows: T[]; next?: string } {
  const token = url.searchParams.get('$skiptoken');
  if (token !== null && !/^\d+$/.test(token)) throw new SapBusinessError('/IWBEP/CM_MGW_RT/022', `Invalid $skiptoken: ${token}`);
  const from = Number(token ?? 0);
  if (!pageSize || rows.length <= from + pageSize) return { rows: rows.slice(from) };
  const next = new URL(url);
  next.searchParams.set('$skiptoken', String(from + pageSize));
  return { rows: rows.slice(from, from + pageSize), next: next.toString() };
}
