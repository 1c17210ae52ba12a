/**
 * Feature: an operator reads one JSON line per request, with a request id, and never a citizen
 * ID, phone number or e-mail address in clear; Prometheus scrapes requests, engine jobs and SLA clocks.
 */
import { pino } from 'pino';
import { maskingLoggerOptions } from '../../src/http/redact.js';
import { maskDeep, maskPersonalData } from '../../src/security/personal-data.js';
import { call, deploy, serviceTaskProcess } from './support.js';
import { startTraceService, traceFixture } from './fixtures.js';
import { startApiService, type ApiService } from './api-support.js';

describe('Scenario: masking personal identifiers', () => {
  test.each([
    ['CCCD 001099012345 đã nộp', 'CCCD 001******345 đã nộp'],
    ['{"citizenId":"079203001234"}', '{"citizenId":"079******234"}'],
    ['gọi 0912345678 nhé', 'gọi 091****678 nhé'],
    ['gọi 0912 345 678 hoặc 0912.345.678', 'gọi 091****678 hoặc 091****678'],
    ['+84912345678, 84 912 345 678', '+8491****678, 8491****678'],
    ['yêu cầu 91c466d2-77fa-4423-8144-130821229475 gọi 0912345678', 'yêu cầu 91c466d2-77fa-4423-8144-130821229475 gọi 091****678'],
    ['cố định 02438253535', 'cố định 024****535'],
    ['?phone=0387654321&x=1', '?phone=038****321&x=1'],
    ['550 5.1.1 <an.nguyen@example.vn>: không có hộp thư', '550 5.1.1 <a***@example.vn>: không có hộp thư'],
    ['{"email":"tran.bich+hoso@mail.example.gov.vn"}', '{"email":"t***@mail.example.gov.vn"}'],
  ])('Given %j, when masked, then %j', (input, output) => {
    expect(maskPersonalData(input)).toBe(output);
  });

  test.each([
    ['a 64-bit key', 'processInstanceKey 2251799813685249'],
    ['13 digits', 'số 0010990123456'],
    ['11 digits', 'mã 00109901234'],
    ['a date and time', '2025-07-01T08:00:00.000Z, 01/07/2025 08:00'],
    ['a dossier code', '000.00.10.H01-250701-0001'],
    ['a number that is not a phone', '0112345678 (starts 01)'],
    ["an e-mail's Message-ID", '<outbox.1234@lienthong>'],
    // Request ids: about 1 in 160 random UUIDs has a group that reads as an ID or a phone number.
    ['a UUID ending in twelve digits', 'request 91c466d2-77fa-4423-8144-130821229475 answered'],
    ['a UUID ending in a phone number', '7688addc-3d0e-4354-ab62-0783072852c1'],
  ])('Given %s, when masked, then it is left alone', (_what, input) => {
    expect(maskPersonalData(input)).toBe(input);
  });

  test('Given nested objects and errors, when deep-masked, then every string is masked and errors keep type, message and stack', () => {
    const e = new TypeError('bad citizen 001099012345');
    const out = maskDeep({ a: ['0912345678', { b: 'x 001099012345' }], n: 42, e }) as any;
    expect(out.a).toEqual(['091****678', { b: 'x 001******345' }]);
    expect(out.n).toBe(42);
    expect(out.e).toMatchObject({ type: 'TypeError', message: 'bad citizen 001******345' });
    expect(out.e.stack).toContain('001******345');
    expect(out.e.stack).not.toContain('001099012345');
  });

  test('Given the service logger options, when a room logs a message and an object with identifiers, then the JSON line has them masked', () => {
    const lines: any[] = [];
    const logger = pino({ level: 'info', ...maskingLoggerOptions }, { write: (l: string) => lines.push(JSON.parse(l)) });
    logger.info({ applicant: { citizenId: '001099012345', phone: '0912 345 678' }, err: new Error('for 0912345678') }, 'received from 001099012345');
    expect(lines[0].msg).toBe('received from 001******345');
    expect(lines[0].applicant).toEqual({ citizenId: '001******345', phone: '091****678' });
    expect(lines[0].err.message).toBe('for 091****678');
    expect(JSON.stringify(lines)).not.toMatch(/001099012345|0912345678|0912 345 678/);
  });
});

describe('Scenario: request logs and metrics of a running service', () => {
  let s: ApiService;
  const lines: any[] = [];
  /** Called after each line is written (`logged` waits on it). */
  const written = new Set<() => void>();
  beforeAll(async () => {
    const logger = pino(
      { level: 'info', ...maskingLoggerOptions },
      {
        write: (l: string) => {
          lines.push(JSON.parse(l));
          for (const w of written) w();
        },
      },
    );
    s = await startApiService({ logger });
  });
  afterAll(async () => {
    await s?.close();
  });
  /** The line is written when the response has left, which the client may see first: waits for it to be written. */
  const logged = async (pred: (l: any) => boolean) => {
    while (!lines.some(pred)) {
      await new Promise<void>((resolve) => {
        const w = () => {
          written.delete(w);
          resolve();
        };
        written.add(w);
      });
    }
    return lines.some(pred);
  };

  test('Given a request with an x-request-id, when answered, then the id is echoed and one JSON line carries it with method, path, route, status, ms and user', async () => {
    const r = await s.as('officerA', 'GET', '/api/auth/me?phone=0912345678', undefined, { 'x-request-id': 'yeu-cau-42' });
    expect(r.headers.get('x-request-id')).toBe('yeu-cau-42');
    await logged((l) => l.reqId === 'yeu-cau-42');
    const line = lines.find((l) => l.reqId === 'yeu-cau-42');
    expect(line).toEqual(
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        path: '/api/auth/me?phone=091****678',
        route: '/api/auth/me',
        status: 200,
        user: 'canbo.a',
        ms: expect.any(Number),
      }),
    );
    expect(JSON.stringify(lines)).not.toContain('0912345678');

    // A request id whose last group reads as a phone number is still the id the caller was given.
    const uuid = '7688addc-3d0e-4354-ab62-0783072852c1';
    expect((await call(s.url, 'GET', '/healthz', undefined, { 'x-request-id': uuid })).headers.get('x-request-id')).toBe(uuid);
    expect(await logged((l) => l.reqId === uuid)).toBe(true);
  });

  test("Given a citizen's lookup with its secret in the query string, when logged, then the line names the path but not the secret", async () => {
    await call(s.url, 'GET', '/api/dossiers/KHONG-CO?secret=LT7Q-X9PA-4KMC&lang=vi', undefined, { authorization: '', 'x-request-id': 'tra-cuu-1' });
    await logged((l) => l.reqId === 'tra-cuu-1');
    expect(lines.find((l) => l.reqId === 'tra-cuu-1')).toEqual(expect.objectContaining({ path: '/api/dossiers/KHONG-CO?secret=***&lang=vi' }));
    expect(JSON.stringify(lines)).not.toContain('LT7Q-X9PA-4KMC');
  });

  test('Given no or a hostile x-request-id, when answered, then a fresh UUID is used instead', async () => {
    for (const given of [undefined, 'bad id with spaces {"injected":true}', 'x'.repeat(200)]) {
      const r = await call(s.url, 'GET', '/healthz', undefined, given === undefined ? {} : { 'x-request-id': given });
      expect(r.status).toBe(200);
      const id = r.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      // Waits for the line, then reads its status: a wrong one fails here instead of waiting forever.
      await logged((l) => l.reqId === id);
      expect(lines.find((l) => l.reqId === id)).toEqual(expect.objectContaining({ status: 200 }));
    }
  });

  test('Given a client that goes away before its answer is complete, when logged, then the line says 499', async () => {
    // The live feed answers its headers at once and then stays open: the client leaves mid-answer.
    const leaving = new AbortController();
    const r = await fetch(s.url + '/api/inbox/events', {
      headers: { ...s.headers.officerA, accept: 'text/event-stream', 'x-request-id': 'roi-di-1' },
      signal: leaving.signal,
    });
    expect(r.status).toBe(200);
    leaving.abort();
    await logged((l) => l.reqId === 'roi-di-1');
    expect(lines.find((l) => l.reqId === 'roi-di-1')).toEqual(expect.objectContaining({ route: '/api/inbox/events', status: 499 }));
  });

  test('Given requests, jobs and SLA clocks, when Prometheus scrapes /metrics, then each is there with bounded labels', async () => {
    // The shipped catalog on the demo registry (fixtures.ts): a dossier received, its first step
    // completed early through the inbox, the service's own worker activating and completing the
    // hand-off job, two steps left open — a running dossier clock, a step clock met early, two running.
    const ts = await startTraceService();
    try {
      await traceFixture(ts);
      await ts.as('officerB', 'GET', '/api/dossiers/KHONG-CO/trace');
      await ts.as('anonymous', 'GET', '/api/no-such-route-123');
      await deploy(ts.url, [{ name: 'm.bpmn', xml: serviceTaskProcess('metrics-fail', 'metrics-fail') }]);
      await ts.as('admin', 'POST', '/v2/process-instances', { processDefinitionId: 'metrics-fail' });
      const job = (await ts.as('admin', 'POST', '/v2/jobs/activation', { type: 'metrics-fail', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 }))
        .body.jobs[0];
      await ts.as('admin', 'POST', `/v2/jobs/${job.jobKey}/failure`, { retries: 1, errorMessage: 'thử lại' });

      const r = await ts.as('anonymous', 'GET', '/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/plain');
      const text = r.body as string;
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/dossiers\/:code\/trace",status="404"\} 1/);
      expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
      expect(text).not.toContain('no-such-route-123');
      expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.05",method="POST",route="\/api\/auth\/login",status="200"\} \d+/);
      expect(text).toMatch(/engine_jobs_activated_total\{type="lienthong.handoff"\} 1/);
      expect(text).toMatch(/engine_jobs_completed_total\{type="lienthong.handoff"\} 1/);
      expect(text).toMatch(/engine_jobs_failed_total\{type="metrics-fail"\} 1/);
      // Judged at the service's time (its ManualClock, Monday 05/01/2026): nothing is late yet.
      expect(text).toMatch(/sla_clocks\{kind="dossier",state="running"\} 1/);
      expect(text).toMatch(/sla_clocks\{kind="step",state="running"\} 2/);
      expect(text).toMatch(/sla_clocks\{kind="step",state="met_early"\} 1/);
      expect(text).not.toMatch(/state="(at_risk|overdue)"/);
      expect(text).toContain('# TYPE outbox_unsent gauge');
      expect(text).toMatch(/process_resident_memory_bytes \d+/);
    } finally {
      await ts.close();
    }
  });
});
