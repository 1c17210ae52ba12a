/**
 * Renders the tables of docs/legal-basis.md from the data itself — the holiday rules, the
 * Government decisions, the provisional days, and every figure of the catalog — so the page
 * cannot drift from what the service computes with (legal-basis.test.ts compares them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPENSATION_RULES, GOVERNMENT_DECISIONS, HOLIDAY_RULES, officialCalendar, type HolidayDate } from '../../src/calendar/index.js';
import { formatVn } from '../../src/calendar/dates.js';

export const BEGIN = '<!-- generated: legal-basis tables (tests/calendar/legal-basis.ts) -->';
export const END = '<!-- end of generated tables -->';

interface Legal {
  source: string;
  confirmed: boolean;
  note?: string;
}
type Figure = Legal & { value?: unknown; unit?: string };

const UNIT_VI: Record<string, string> = {
  working_days: 'ngày làm việc',
  working_hours: 'giờ làm việc',
  calendar_days: 'ngày (theo lịch)',
};

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === null || v === undefined ? '' : JSON.stringify(v);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const yes = (confirmed: boolean) => (confirmed ? 'có' : 'chưa');
const vn = (iso: string | null) => (iso === null ? '—' : formatVn(iso));

function dayOf(date: HolidayDate): string {
  switch (date.kind) {
    case 'solar':
      return `${date.day}/${date.month} dương lịch`;
    case 'lunar':
      return `${date.day}/${date.month} âm lịch`;
    case 'lunar-new-year':
      return `Tết Âm lịch: ${date.before} ngày trước, ${date.from1} ngày từ mùng 1 (mặc định)`;
    case 'national-day-adjacent':
      return '1/9 hoặc 3/9 (Thủ tướng quyết định hằng năm)';
  }
}

function calendarTables(): string[] {
  const out: string[] = [];
  out.push('### Ngày nghỉ lễ, tết theo luật (holiday rules)', '');
  out.push('| rule | day | in force | source | confirmed |', '|---|---|---|---|---|');
  for (const r of HOLIDAY_RULES) {
    out.push(`| \`${r.id}\` | ${cell(dayOf(r.date))} | ${vn(r.effectiveFrom)} – ${vn(r.effectiveTo)} | ${cell(r.source)} | ${yes(r.confirmed)} |`);
  }
  for (const r of COMPENSATION_RULES) {
    out.push(
      `| nghỉ bù | ngày lễ trùng ngày nghỉ hằng tuần → ngày làm việc kế tiếp | ${vn(r.effectiveFrom)} – ${vn(r.effectiveTo)} | ${cell(r.source)} | ${yes(r.confirmed)} |`,
    );
  }
  out.push('', '### Quyết định hằng năm của Chính phủ (day swaps, exact days)', '');
  out.push('| year | decision | approval | notice | days | read in the original |', '|---|---|---|---|---|---|');
  for (const d of GOVERNMENT_DECISIONS) {
    const doc = (x: { document: string; date?: string; issuer: string; url?: string } | undefined) =>
      x ? `${x.document}${x.date ? `, ${vn(x.date)}` : ''}, ${x.issuer}${x.url ? ` ([nguồn](${x.url}))` : ''}` : '—';
    const days = d.days.map((x) => `${vn(x.date)} ${x.kind === 'day_off' ? 'nghỉ' : 'làm việc'}`).join('; ');
    out.push(
      `| ${d.year} | \`${d.id}\` | ${cell(doc(d.approval))} | ${cell(doc(d.notice))} | ${days} | ${d.unread ? cell(`chưa: ${d.unread}`) : 'có (nguồn ở cột approval, notice)'} |`,
    );
  }
  out.push('', '### Ngày còn tạm tính (provisional: no decision found)', '');
  const cal = officialCalendar(2025, 2027);
  for (const year of [2025, 2026, 2027]) {
    const days = cal.yearStatus(year).provisional;
    out.push(
      `- ${year}: ${days.length ? days.map((d) => `${vn(d.date)} (${d.reason})`).join('; ') : 'none — every day of a yearly-decided occasion is settled'}`,
    );
  }
  return out;
}

function catalogTable(processesDir: string): string[] {
  const out = [
    '',
    '### Danh mục thủ tục (every figure of the catalog)',
    '',
    '| procedure | version | figure | value | source | confirmed |',
    '|---|---|---|---|---|---|',
  ];
  for (const code of readdirSync(processesDir).sort()) {
    let json: string;
    try {
      json = readFileSync(join(processesDir, code, 'procedure.json'), 'utf8');
    } catch {
      continue;
    }
    const p = JSON.parse(json);
    for (const v of p.versions) {
      const rows: [string, Figure][] = [['tổng thời hạn', v.totalLimit]];
      for (const a of v.agencies) for (const s of a.steps) rows.push([`${s.id} (${a.code})`, s.limit]);
      if (v.cutOff) rows.push(['giờ tiếp nhận', { ...v.cutOff, value: `sau ${v.cutOff.after}` }]);
      rows.push(['số lần yêu cầu bổ sung', v.supplement.maxRequests], ['đồng hồ khi bổ sung', v.supplement.clock]);
      for (const d of v.documents) rows.push([`hồ sơ: ${d.code}`, { ...d, value: `${d.count} ${d.form === 'original' ? 'bản chính' : 'bản sao'}` }]);
      for (const f of v.fees) rows.push([`phí: ${f.code}`, { ...f, value: f.value ?? f.kind }]);
      for (const t of v.thresholds ?? []) rows.push([`ngưỡng: ${t.code}`, t]);
      for (const c of v.cases ?? []) {
        rows.push([`${c.code}: tổng thời hạn`, c.totalLimit]);
        for (const [step, limit] of Object.entries(c.stepLimits ?? {})) rows.push([`${c.code}: ${step}`, limit as Figure]);
        if (c.receivingAuthority) rows.push([`${c.code}: cơ quan tiếp nhận`, { ...c.receivingAuthority, value: c.receivingAuthority.name.vi }]);
      }
      for (const [figure, f] of rows) {
        const shown = show(f.value);
        const value = f.unit ? `${shown} ${UNIT_VI[f.unit] ?? f.unit}` : shown;
        out.push(
          `| ${code} | ${v.version} (${vn(v.effectiveFrom)} – ${vn(v.effectiveTo)}) | ${cell(figure)} | ${cell(value)} | ${cell(f.source)} | ${yes(f.confirmed)} |`,
        );
      }
    }
  }
  return out;
}

export function renderLegalBasis(processesDir: string): string {
  return [BEGIN, '', ...calendarTables(), ...catalogTable(processesDir), '', END].join('\n');
}
