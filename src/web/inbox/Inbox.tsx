/**
 * /inbox: the agency's tasks, soonest due first, with filters (open, mine, unassigned, due soon,
 * overdue, procedure) and a badge of the working time left or how late. New tasks and changes
 * arrive as server-sent events (`/api/inbox/events`, fed by the inbox's own commits): the list
 * reloads, a new row is marked "Mới" and announced. The agency's SLA warnings appear beside it.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { request } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { notifications, tasks, type Notice, type Task, type TaskFilter, type TaskPage } from '../shared/inbox-api';
import { dueBadge, explain, STATE_VI } from './labels';
import { ErrorLine } from '../shared/ErrorLine';

type View = 'open' | 'mine' | 'unassigned' | 'dueSoon' | 'overdue' | 'completed';
const VIEWS: Array<[View, string]> = [
  ['open', 'Đang mở'],
  ['mine', 'Của tôi'],
  ['unassigned', 'Chưa ai nhận'],
  ['dueSoon', 'Sắp đến hạn'],
  ['overdue', 'Quá hạn'],
  ['completed', 'Đã hoàn thành'],
];
/** "Due soon": within one working day's worth of clock hours. */
const DUE_SOON_HOURS = 24;

function filterOf(view: View, procedure: string, page: number): TaskFilter {
  const f: TaskFilter = { state: view === 'completed' ? 'completed' : 'open', page, pageSize: 25 };
  if (view === 'mine') f.assignedToMe = true;
  if (view === 'unassigned') f.unassigned = true;
  if (view === 'dueSoon') f.dueSoon = DUE_SOON_HOURS;
  if (view === 'overdue') f.overdue = true;
  if (procedure) f.procedure = procedure;
  return f;
}

export function InboxPage(_p: { username: string }) {
  const [view, setView] = useState<View>('open');
  const [procedure, setProcedure] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<TaskPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [announce, setAnnounce] = useState('');
  const [notices, setNotices] = useState<Notice[]>([]);
  const [procedures, setProcedures] = useState<Array<{ code: string; name: string }>>([]);
  const [live, setLive] = useState(false);
  const current = useRef({ view, procedure, page });
  current.current = { view, procedure, page };

  const load = useCallback(() => {
    const { view: v, procedure: pr, page: pg } = current.current;
    tasks.list(filterOf(v, pr, pg)).then(
      (d) => {
        setData(d);
        setError(null);
      },
      (e: unknown) => setError(explain(e, 'tải danh sách')),
    );
  }, []);

  useEffect(load, [view, procedure, page]);

  useEffect(() => {
    // The bench (bench/inbox-render.ts) reads this: navigation start → the first list of tasks rendered.
    if (data && !performance.getEntriesByName('lt-inbox-ready').length) performance.mark('lt-inbox-ready');
  }, [data]);

  useEffect(() => {
    request<{ items: Array<{ code: string; name: { vi: string } }> }>('GET', '/api/procedures').then(
      (r) => setProcedures(r.items.map((x) => ({ code: x.code, name: x.name.vi }))),
      () => setProcedures([]),
    );
    notifications.list().then(
      (r) => setNotices(r.items),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    const source = new EventSource('/api/inbox/events');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reload = () => {
      clearTimeout(timer);
      timer = setTimeout(load, 100);
    };
    source.addEventListener('ready', () => {
      setLive(true);
      reload();
    });
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('task', (e) => {
      const t = JSON.parse((e as MessageEvent<string>).data) as { kind: string; id: string; name: string; dossierCode: string | null };
      if (t.kind === 'created') {
        setFresh((s) => new Set(s).add(t.id));
        setAnnounce(`Có công việc mới: ${t.name}${t.dossierCode ? ` — hồ sơ ${t.dossierCode}` : ''}`);
      }
      reload();
    });
    source.addEventListener('notification', (e) => {
      const n = JSON.parse((e as MessageEvent<string>).data) as Notice;
      setNotices((xs) => [n, ...xs.filter((x) => x.id !== n.id)]);
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [load]);

  return (
    <div class="lt-inbox" data-live={live ? '1' : '0'}>
      <section class="lt-i-main" aria-labelledby="lt-i-title">
        <div class="lt-i-head">
          <h1 id="lt-i-title">Hộp công việc</h1>
          <p class="lt-sr" role="status" aria-live="polite">
            {announce}
          </p>
          {data && <span class="lt-muted">{data.total} công việc</span>}
          <span class={live ? 'lt-i-live' : 'lt-i-live lt-i-off'}>{live ? '● Đang cập nhật trực tiếp' : '○ Mất kết nối, đang thử lại…'}</span>
        </div>
        <div class="lt-i-filters" role="group" aria-label="Lọc công việc">
          {VIEWS.map(([v, label]) => (
            <button
              type="button"
              key={v}
              aria-pressed={view === v}
              onClick={() => {
                setView(v);
                setPage(1);
              }}
            >
              {label}
            </button>
          ))}
          <label class="lt-i-proc">
            Thủ tục
            <select
              value={procedure}
              onChange={(e) => {
                setProcedure(e.currentTarget.value);
                setPage(1);
              }}
            >
              <option value="">Tất cả thủ tục</option>
              {procedures.map((p) => (
                <option value={p.code} key={p.code}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorLine text={error} />
        {!data && !error && <p class="lt-loading">Đang tải danh sách…</p>}
        {data && <TaskTable items={data.items} fresh={fresh} />}
        {data && data.total > data.pageSize && (
          <nav class="lt-i-pages" aria-label="Trang">
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              ‹ Trang trước
            </button>
            <span>
              Trang {page} / {Math.ceil(data.total / data.pageSize)}
            </span>
            <button type="button" disabled={page * data.pageSize >= data.total} onClick={() => setPage(page + 1)}>
              Trang sau ›
            </button>
          </nav>
        )}
      </section>
      <Notices items={notices} onRead={(id) => setNotices((xs) => xs.filter((x) => x.id !== id))} />
    </div>
  );
}

function TaskTable(p: { items: Task[]; fresh: Set<string> }) {
  if (!p.items.length) return <p class="lt-i-empty">Không có công việc nào ở đây.</p>;
  return (
    <table class="lt-i-table">
      <thead>
        <tr>
          <th scope="col">Thời hạn</th>
          <th scope="col">Công việc</th>
          <th scope="col">Hồ sơ</th>
          <th scope="col">Người xử lý</th>
          <th scope="col">Hạn xử lý</th>
        </tr>
      </thead>
      <tbody>
        {p.items.map((t) => {
          const b = dueBadge(t);
          return (
            <tr key={t.id} class={p.fresh.has(t.id) ? 'lt-i-fresh' : undefined} data-task-id={t.id}>
              <td>
                <span class={`lt-badge lt-badge-${b.tone}`}>{b.text}</span>
              </td>
              <td>
                <a href={`/inbox/${t.id}`} class="lt-i-link">
                  {t.name}
                </a>
                {p.fresh.has(t.id) && <span class="lt-i-new">Mới</span>}
              </td>
              <td>{t.dossierCode ?? '—'}</td>
              <td>{t.assignee ?? <span class="lt-muted">{STATE_VI[t.state]}</span>}</td>
              <td>{t.dueAt ? formatDateTime(t.dueAt) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const NOTICE_VI: Record<string, string> = { 'sla.at_risk': 'Sắp trễ hạn', 'sla.overdue': 'Đã trễ hạn' };

function Notices(p: { items: Notice[]; onRead: (id: string) => void }) {
  return (
    <aside class="lt-i-notices" aria-labelledby="lt-i-notices-title">
      <h2 id="lt-i-notices-title">Cảnh báo thời hạn</h2>
      {!p.items.length && <p class="lt-muted">Không có cảnh báo mới.</p>}
      <ul>
        {p.items.map((n) => (
          <li key={n.id} class={`lt-i-notice lt-i-notice-${n.kind === 'sla.overdue' ? 'late' : 'soon'}`}>
            <strong>{NOTICE_VI[n.kind] ?? n.kind}</strong>
            {n.dossierCode && <span> — hồ sơ {n.dossierCode}</span>}
            <p>{n.text}</p>
            <small>{formatDateTime(n.at)}</small>
            <button
              type="button"
              class="lt-link"
              onClick={() => {
                void notifications.read(n.id).finally(() => p.onRead(n.id));
              }}
            >
              Đã xem
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
