/** Dates as Vietnamese readers expect them: dd/mm/yyyy (and hh:mm), always in Asia/Ho_Chi_Minh. */
const TZ = 'Asia/Ho_Chi_Minh';
const date = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });
const time = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });

export function formatDate(value: string | Date): string {
  return date.format(new Date(value));
}

export function formatDateTime(value: string | Date): string {
  const d = new Date(value);
  return `${time.format(d)} ${date.format(d)}`;
}

/** A calendar date 'yyyy-mm-dd' (no time zone to apply) as dd/mm/yyyy. */
export function formatIsoDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * A day typed as dd/mm/yyyy (as Vietnamese readers write it; `<input type="date">` would follow
 * the browser's own locale) → 'yyyy-mm-dd'; '' when empty, null when it is not a real day.
 */
export function parseViDay(text: string): string | null {
  const t = text.trim();
  if (!t) return '';
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Working hours as people say them: "2 ngày 3,5 giờ" (a working day is 8 office hours, the
 * decimal mark a comma), under an hour in minutes ("20 phút"). The sign is the caller's word
 * ("Còn", "Trễ").
 */
export function workingTime(hours: number): string {
  const h = Math.round(Math.abs(hours) * 600) / 600; // to the 6 seconds: 7.9999 h is 1 ngày
  let days = Math.floor(h / 8);
  let rest = Math.round((h - days * 8) * 10) / 10;
  if (rest === 8) [days, rest] = [days + 1, 0];
  const parts: string[] = [];
  if (days) parts.push(`${days} ngày`);
  if (rest >= 1 || (rest && days)) parts.push(`${String(rest).replace('.', ',')} giờ`);
  else if (!days) parts.push(`${Math.max(1, Math.round(h * 60))} phút`);
  return parts.join(' ');
}
