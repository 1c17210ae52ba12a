/** The designer's side and bottom panels: problems, the catalog entry, a comparison, element details. */
import type { CatalogEntry, CatalogStep, TimeLimit } from '../shared/api';
import { formatIsoDay } from '../shared/format';
import { KIND_VI, typeVi, type Change } from './diff';
import type { Report } from './lint';

const CATEGORY_VI: Record<Report['category'], string> = { error: 'Lỗi', warn: 'Cảnh báo', info: 'Lưu ý' };

export function ProblemsPanel(props: { reports: Report[]; onPick(r: Report): void }) {
  const errors = props.reports.filter((r) => r.category === 'error').length;
  const warnings = props.reports.length - errors;
  return (
    <section class="lt-d-problems" aria-label="Vấn đề">
      <h2 class="lt-d-h2">
        Vấn đề{' '}
        <span class="lt-d-count" data-testid="problem-count">
          {errors} lỗi · {warnings} cảnh báo
        </span>
      </h2>
      {props.reports.length === 0 ? (
        <p class="lt-d-clean" data-testid="lint-clean">
          Không có vấn đề — quy trình hợp lệ.
        </p>
      ) : (
        <ul class="lt-d-problem-list">
          {props.reports.map((r, i) => (
            <li key={`${r.id}-${r.rule}-${i}`} class={`lt-d-problem lt-d-${r.category}`} data-element-id={r.id} data-rule={r.rule}>
              <button type="button" onClick={() => props.onPick(r)}>
                <span class="lt-d-cat">{CATEGORY_VI[r.category]}</span>
                <code>{r.id}</code>
                <span class="lt-d-msg">{r.message}</span>
                <span class="lt-d-rule">{r.source === 'deploy' ? `triển khai · ${r.rule}` : r.rule}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function limitVi(l: TimeLimit | undefined): string {
  if (!l) return '—';
  return `${l.value} ${{ working_days: 'ngày làm việc', working_hours: 'giờ làm việc', calendar_days: 'ngày' }[l.unit]}`;
}

function Source(props: { limit: TimeLimit }) {
  return (
    <span class={props.limit.confirmed ? 'lt-d-confirmed' : 'lt-d-unconfirmed'} title={props.limit.note ?? ''}>
      {props.limit.source ?? '—'}
      {props.limit.confirmed ? ' ✓' : ' (chưa xác nhận)'}
    </span>
  );
}

export function CatalogPanel(props: { entry: CatalogEntry | null | 'none'; onPickElement(id: string): void }) {
  if (props.entry === null) return <p class="lt-muted lt-d-pad">Đang tải danh mục…</p>;
  if (props.entry === 'none')
    return <p class="lt-muted lt-d-pad">Quy trình này không thuộc thủ tục nào trong danh mục: chỉ các quy tắc chung của Camunda được kiểm tra.</p>;
  const { procedure, version } = props.entry;
  const steps: Array<{ agency: string; step: CatalogStep }> = version.agencies.flatMap((a) => a.steps.map((step) => ({ agency: a.name.vi, step })));
  return (
    <div class="lt-d-catalog" data-testid="catalog-entry">
      <h3>{procedure.name.vi}</h3>
      <p class="lt-muted">
        Phiên bản quy định {version.version}, hiệu lực từ {formatIsoDay(version.effectiveFrom)}
        {version.effectiveTo ? ` đến ${formatIsoDay(version.effectiveTo)}` : ''} · chỉ xem (processes/{procedure.code}/procedure.json)
      </p>
      <p>
        <strong>Tổng thời hạn luật định:</strong> {limitVi(version.totalLimit)} — <Source limit={version.totalLimit} />
      </p>
      <ol class="lt-d-steps">
        {steps.map(({ agency, step }) => (
          <li key={`${agency}-${step.id}`} class="lt-d-step">
            <button type="button" class="lt-link" onClick={() => props.onPickElement(step.elementId)}>
              {step.name.vi}
            </button>{' '}
            <code>{step.elementId}</code>
            <div>{agency}</div>
            <div>
              <strong>{limitVi(step.limit)}</strong> — <Source limit={step.limit} />
            </div>
          </li>
        ))}
      </ol>
      {version.legalBasis?.length ? (
        <>
          <h4>Căn cứ pháp lý</h4>
          <ul>
            {version.legalBasis.map((b) => (
              <li key={b.document}>
                {b.document}
                {b.title?.vi ? ` — ${b.title.vi}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function ChangesPanel(props: { from: number; to: number; changes: Change[] | null; onPick(id: string): void }) {
  if (!props.changes) return <p class="lt-muted lt-d-pad">Đang so sánh…</p>;
  const shown = props.changes.filter((c) => c.kind !== 'layout');
  const moved = props.changes.length - shown.length;
  return (
    <div class="lt-d-changes" data-testid="changes">
      <h3>
        Phiên bản {props.from} → {props.to}
      </h3>
      {shown.length === 0 && <p class="lt-muted">Không có thay đổi nội dung.</p>}
      <ul>
        {shown.map((c) => (
          <li key={`${c.kind}-${c.id}`} class={`lt-d-change lt-d-change-${c.kind}`} data-element-id={c.id} data-kind={c.kind}>
            <button type="button" class="lt-link" onClick={() => props.onPick(c.id)} disabled={c.kind === 'removed'}>
              <span class="lt-d-kind">{KIND_VI[c.kind]}</span> {typeVi(c.type)} <code>{c.id}</code>
              {c.name ? ` “${c.name}”` : ''}
            </button>
            {c.attrs.length > 0 && (
              <ul class="lt-d-attrs">
                {c.attrs.map((a) => (
                  <li key={a.name}>
                    {a.name}: <del>{a.oldValue}</del> → <ins>{a.newValue}</ins>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {moved > 0 && <p class="lt-muted">{moved} phần tử chỉ dời vị trí trên sơ đồ.</p>}
    </div>
  );
}

/** What a read-only view shows of the element clicked. */
export function DetailsPanel(props: { element: any }) {
  const bo = props.element?.businessObject;
  if (!bo) return <p class="lt-muted lt-d-pad">Chọn một phần tử trên sơ đồ để xem chi tiết.</p>;
  const ext = (type: string) => (bo.extensionElements?.values ?? []).find((v: any) => v.$type === type);
  const rows: Array<[string, string | undefined]> = [
    ['Mã', bo.id],
    ['Tên', bo.name],
    ['Loại', typeVi(bo.$type)],
    ['Nhóm xử lý (cơ quan)', ext('zeebe:AssignmentDefinition')?.candidateGroups],
    ['Hạn xử lý', ext('zeebe:TaskSchedule')?.dueDate],
    ['Loại việc (job type)', ext('zeebe:TaskDefinition')?.type],
    ['Mẫu phần tử', bo.get?.('zeebe:modelerTemplate')],
  ];
  return (
    <dl class="lt-d-details" data-testid="element-details">
      {rows
        .filter(([, v]) => v)
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>
              <code>{v}</code>
            </dd>
          </>
        ))}
    </dl>
  );
}
