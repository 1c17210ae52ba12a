/** What the counter hands the citizen after a receipt: the code, the lookup secret, the appointment, form 01. */
import { formatDateTime } from '../shared/format';
import { printForm01, type ReceivedDossier } from './counter-api';

export function Receipt({ receipt, onNext }: { receipt: ReceivedDossier; onNext: () => void }) {
  const { dossier, lookupSecret } = receipt;
  return (
    <section class="lt-c-receipt" aria-labelledby="lt-c-receipt-title" data-testid="receipt">
      <h2 id="lt-c-receipt-title" tabIndex={-1} ref={(el) => el?.focus()}>
        Đã tiếp nhận hồ sơ
      </h2>
      <dl class="lt-c-facts">
        <dt>Mã hồ sơ</dt>
        <dd>
          <code data-testid="receipt-code">{dossier.code}</code>
        </dd>
        <dt>Mã tra cứu</dt>
        <dd>
          <code class="lt-c-secret" data-testid="receipt-secret">
            {lookupSecret}
          </code>
          <p class="lt-c-hint">
            Người nộp cần mã hồ sơ và mã tra cứu này để tra cứu tình trạng hồ sơ tại <a href="/tra-cuu">/tra-cuu</a>. Mã tra cứu chỉ hiện một lần: giấy tiếp
            nhận in từ đây có mã này, bản in lại sau không có — hãy in cho người nộp ngay bây giờ.
          </p>
        </dd>
        <dt>Ngày hẹn trả kết quả</dt>
        <dd data-testid="receipt-appointment">{formatDateTime(dossier.appointmentAt)}</dd>
      </dl>
      <div class="lt-c-actions">
        <button type="button" class="lt-btn lt-btn-primary" onClick={() => printForm01(dossier.code, lookupSecret)} data-testid="form01-link">
          In giấy tiếp nhận (mẫu 01)
        </button>
        <button type="button" class="lt-btn" onClick={() => window.print()}>
          In mã tra cứu
        </button>
        <a class="lt-btn" href={`/counter/${encodeURIComponent(dossier.code)}`}>
          Xem hồ sơ
        </a>
        <button type="button" class="lt-btn" onClick={onNext}>
          Tiếp nhận hồ sơ khác
        </button>
      </div>
    </section>
  );
}
