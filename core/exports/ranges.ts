// The optional day range of an export (--from / --to), and how its notes say it.

export interface DayRange {
  from: string | null;
  to: string | null;
}

/** "下单日期 2026-03-01 至 2026-03-31", "… 起", "… 止", or "全部" (everything). */
export function rangeText(what: string, r: DayRange): string {
  if (r.from && r.to) return `${what} ${r.from} 至 ${r.to}`;
  if (r.from) return `${what} ${r.from} 起`;
  if (r.to) return `${what} 至 ${r.to}`;
  return '全部 (all)';
}
