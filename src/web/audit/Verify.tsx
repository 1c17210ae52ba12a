/**
 * Verifying the hash chain from the page: batch after batch through GET /api/audit/verify
 * (`after`, `prevHash`, `limit`), each starting where the last one stopped, the progress bar
 * moving with every answer; the result names the first row that no longer matches and how.
 */
import { useRef, useState } from 'preact/hooks';
import { audit, type VerifyBatch } from '../shared/api-auditor';
import { formatDateTime } from '../shared/format';
import { actionVi } from './labels';

const BATCH = 20_000;

type State =
  | { phase: 'idle' }
  | { phase: 'running'; checked: number; total: number }
  | { phase: 'ok'; checked: number; lastHash: string; ms: number }
  | { phase: 'broken'; checked: number; broken: NonNullable<VerifyBatch['brokenAt']> }
  | { phase: 'error'; message: string };

const n = (x: number) => x.toLocaleString('vi-VN');

export function VerifyChain() {
  const [s, setS] = useState<State>({ phase: 'idle' });
  const cancelled = useRef(false);
  const run = async () => {
    cancelled.current = false;
    const t0 = performance.now();
    let after: { seq: string; hash: string } | null = null;
    let checked = 0;
    setS({ phase: 'running', checked: 0, total: 0 });
    try {
      for (;;) {
        const b: VerifyBatch = await audit.verifyBatch(after, BATCH);
        checked += b.rowsChecked;
        if (!b.ok && b.brokenAt) {
          setS({ phase: 'broken', checked, broken: b.brokenAt });
          return;
        }
        if (b.done) {
          setS({ phase: 'ok', checked, lastHash: b.lastHash, ms: performance.now() - t0 });
          performance.mark('lt-verify-done');
          return;
        }
        if (cancelled.current) {
          setS({ phase: 'idle' });
          return;
        }
        setS({ phase: 'running', checked, total: Math.max(b.total, checked) });
        after = { seq: b.lastSeq, hash: b.lastHash };
      }
    } catch (e) {
      setS({ phase: 'error', message: `Không kiểm tra được: ${(e as Error).message}` });
    }
  };
  return (
    <section class="lt-a-verify" aria-label="Kiểm tra tính toàn vẹn">
      <div class="lt-a-verify-head">
        <div>
          <h2>Kiểm tra tính toàn vẹn của nhật ký</h2>
          <p class="lt-muted">
            Mỗi dòng mang mã băm SHA-256 của chính nó và của dòng trước. Tính lại toàn bộ chuỗi để chứng minh không dòng nào bị sửa, xóa hay chèn.
          </p>
        </div>
        {s.phase === 'running' ? (
          <button type="button" class="lt-button lt-button-quiet" onClick={() => (cancelled.current = true)}>
            Dừng
          </button>
        ) : (
          <button type="button" class="lt-button" onClick={() => void run()} data-testid="verify">
            Kiểm tra chuỗi băm
          </button>
        )}
      </div>
      {s.phase === 'running' && (
        <div class="lt-a-progress" data-testid="verify-progress">
          <progress max={s.total || 1} value={s.checked} />
          <span>
            Đã kiểm tra {n(s.checked)}
            {s.total ? ` / ${n(s.total)} dòng (${Math.floor((100 * s.checked) / s.total)}%)` : ' dòng'}
          </span>
        </div>
      )}
      {s.phase === 'ok' && (
        <p class="lt-a-ok" role="status" data-testid="verify-result" data-ok="true">
          Chuỗi nguyên vẹn: đã kiểm tra {n(s.checked)} dòng, không dòng nào bị sửa ({(s.ms / 1000).toFixed(1)} giây). Mã băm cuối:{' '}
          <code>{s.lastHash.slice(0, 16)}…</code>
        </p>
      )}
      {s.phase === 'broken' && <Broken checked={s.checked} b={s.broken} />}
      {s.phase === 'error' && (
        <p class="lt-error" role="alert">
          {s.message}
        </p>
      )}
    </section>
  );
}

function Broken({ checked, b }: { checked: number; b: NonNullable<VerifyBatch['brokenAt']> }) {
  const what =
    b.kind === 'content'
      ? 'nội dung của dòng không còn khớp với mã băm đã lưu — dòng đã bị sửa sau khi ghi'
      : b.kind === 'link'
        ? 'mã băm “dòng trước” của dòng không khớp với mã băm của dòng trước nó — chuỗi bị cắt hoặc dòng trước bị thay'
        : `thiếu dòng số ${b.expected} — dòng đã bị xóa`;
  return (
    <div class="lt-error lt-a-broken" role="alert" data-testid="verify-result" data-ok="false" data-seq={b.seq}>
      <strong>
        Dòng số {b.seq} không còn khớp: {what}.
      </strong>
      {b.row && (
        <div>
          Dòng đó: {formatDateTime(b.row.at)} · {b.row.actor} · {actionVi(b.row.action)}
          {b.row.dossierCode ? ` · hồ sơ ${b.row.dossierCode}` : ''}
        </div>
      )}
      <dl>
        <dt>{b.kind === 'missing' ? 'Dòng cần có' : b.kind === 'content' ? 'Mã băm đã lưu' : 'Mã băm của dòng trước'}</dt>
        <dd>
          <code>{b.expected}</code>
        </dd>
        <dt>{b.kind === 'missing' ? 'Dòng gặp' : b.kind === 'content' ? 'Mã băm tính lại' : 'Dòng này ghi'}</dt>
        <dd>
          <code>{b.found}</code>
        </dd>
      </dl>
      <div class="lt-muted">{n(checked - 1)} dòng trước nó nguyên vẹn.</div>
    </div>
  );
}
