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
