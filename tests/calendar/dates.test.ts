import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { formatVn, toVnDate } from '../../src/calendar/dates.js';

describe('dates in Asia/Ho_Chi_Minh', () => {
  it('given instants around midnight in Vietnam, when taking the Vietnamese date, then UTC+7 decides the day', () => {
    expect(toVnDate(new Date('2026-02-16T16:59:59.999Z'))).toBe('2026-02-16'); // 23:59:59.999 in Hà Nội
    expect(toVnDate(new Date('2026-02-16T17:00:00Z'))).toBe('2026-02-17'); // 00:00 in Hà Nội
    expect(toVnDate(new Date('2025-12-31T17:00:00Z'))).toBe('2026-01-01');
  });

  it('given a date or an instant, when formatting for Vietnamese forms, then it is dd/mm/yyyy', () => {
    expect(formatVn('2026-02-17')).toBe('17/02/2026');
    expect(formatVn(new Date('2026-02-16T18:30:00Z'))).toBe('17/02/2026');
    expect(() => formatVn('2026-02-30')).toThrow(expect.objectContaining({ param: 'date' }));
  });
});

describe('independence from the process time zone', () => {
  /**
   * Jest gives each test file a copy of process.env, so setting TZ here would not reach
   * Node's clock. Instead the calendar sources are transpiled (types stripped) into a
   * temporary folder and the same computation is run in child processes with TZ set.
   */
  /** src/calendar, whose sources are transpiled and scanned. */
  const calendarDir = fileURLToPath(new URL('../../src/calendar/', import.meta.url));
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lienthong-calendar-'));
    mkdirSync(join(root, 'src', 'calendar'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"type":"module"}');
    const transpile = (from: string, to: string) => {
      const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(to, outputText);
    };
    transpile(join(calendarDir, '..', 'errors.ts'), join(root, 'src', 'errors.js'));
    for (const file of calendarSources()) transpile(join(calendarDir, file), join(root, 'src', 'calendar', file.replace(/\.ts$/, '.js')));
    writeFileSync(
      join(root, 'probe.js'),
      `import { WorkingCalendar, OVERRIDES_SEED, formatVn, toVnDate, solarToLunar } from './src/calendar/index.js';
const calendar = new WorkingCalendar({ fromYear: 2025, toYear: 2026, overrides: OVERRIDES_SEED });
const received = new Date('2026-02-12T03:00:00Z'); // 10:00 Thursday in Vietnam
process.stdout.write(JSON.stringify({
  offset: received.getTimezoneOffset(),
  result: {
    vnDate: toVnDate(new Date('2026-02-16T17:30:00Z')),
    formatted: formatVn(new Date('2026-02-16T17:30:00Z')),
    lunar: solarToLunar(2026, 2, 17),
    due: calendar.addWorkingDays('2026-02-12', 3),
    dueAt: calendar.addWorkingTime(received, { days: 3 }).toISOString(),
    hours: calendar.workingHoursBetween(received, new Date('2026-02-23T01:00:00Z')),
    list: calendar.nonWorkingWeekdaysAndWorkingWeekends(2025).map((d) => d.date),
  },
}));`,
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function runWithTz(tz: string): { offset: number; result: Record<string, unknown> } {
    const out = execFileSync(process.execPath, [join(root, 'probe.js')], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    return JSON.parse(out) as { offset: number; result: Record<string, unknown> };
  }

  it('given the process TZ set to zones far from UTC+7, when computing in a child process, then every result is the same', () => {
    const kiritimati = runWithTz('Pacific/Kiritimati'); // UTC+14
    const losAngeles = runWithTz('America/Los_Angeles'); // UTC−8
    const utc = runWithTz('UTC');
    expect([kiritimati.offset, losAngeles.offset, utc.offset]).toEqual([-840, 480, 0]); // the TZ did take effect
    expect(kiritimati.result).toEqual(utc.result);
    expect(losAngeles.result).toEqual(utc.result);
    expect(utc.result).toMatchObject({
      vnDate: '2026-02-17',
      formatted: '17/02/2026',
      due: '2026-02-24',
      dueAt: '2026-02-24T03:00:00.000Z', // 10:00 in Vietnam
      hours: 5.5 + 8 + 0.5, // Thu 10:00→17:00, Fri, Mon 07:30→08:00
    });
  });

  it('given the calendar sources, when scanned, then no local-time Date API is used', () => {
    const localTime =
      /\.(getFullYear|getMonth|getDate|getDay|getHours|getMinutes|getSeconds|getTimezoneOffset|setFullYear|setMonth|setDate|setHours|toLocale\w*String|toDateString|toTimeString)\(|new Date\([^()]*,|Date\.parse\(/;
    const sources = calendarSources();
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      expect([file, localTime.test(readFileSync(join(calendarDir, file), 'utf8'))]).toEqual([file, false]);
    }
  });

  function calendarSources(): string[] {
    return readdirSync(calendarDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  }
});
