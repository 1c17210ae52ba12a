/** Finding a dossier at the counter: by its code (opens it) or by the applicant's citizen ID (a list). */
import { useState } from 'preact/hooks';
import { formatDate } from '../shared/format';
import { counterApi, messageOf, type DossierHit } from './counter-api';

const CITIZEN_ID = /^\d{12}$/;

export function Search({ onOpen }: { onOpen: (code: string) => void }) {
  const [text, setText] = useState('');
  const [hits, setHits] = useState<DossierHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const q = text.trim();
    setError(null);
    setHits(null);
    if (!q) {
      setError('Nhập mã hồ sơ hoặc số định danh cá nhân (12 chữ số) của người nộp.');
      return;
    }
    if (!CITIZEN_ID.test(q)) {
      onOpen(q.toUpperCase());
      return;
    }
    try {
      setHits((await counterApi.byCitizen(q)).items);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section class="lt-c-search" aria-labelledby="lt-c-search-title">
      <h2 id="lt-c-search-title">Tìm hồ sơ</h2>
      <form class="lt-c-search-form" onSubmit={(e) => void submit(e)} role="search">
        <label for="lt-c-q">Mã hồ sơ hoặc số định danh cá nhân của người nộp</label>
        <div class="lt-c-inline">
          <input
            id="lt-c-q"
            type="search"
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
            placeholder="VD: 000.02.31.H99-260105-0001"
          />
          <button type="submit" class="lt-btn">
            Tìm
          </button>
        </div>
      </form>
      {error && (
        <p class="lt-c-alert" role="alert">
          {error}
        </p>
      )}
      {hits &&
        (hits.length ? (
          <table class="lt-c-hits" data-testid="search-hits">
            <thead>
              <tr>
                <th scope="col">Mã hồ sơ</th>
                <th scope="col">Người nộp</th>
                <th scope="col">Tình trạng</th>
                <th scope="col">Ngày tiếp nhận</th>
                <th scope="col">Ngày hẹn trả</th>
              </tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={h.code}>
                  <td>
                    <a
                      href={`/counter/${encodeURIComponent(h.code)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        onOpen(h.code);
                      }}
                    >
                      {h.code}
                    </a>
                  </td>
                  <td>{h.applicant.fullName}</td>
                  <td>{h.statusVi}</td>
                  <td>{formatDate(h.receivedAt)}</td>
                  <td>{formatDate(h.appointmentAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="lt-muted" role="status">
            Không có hồ sơ nào của người nộp này.
          </p>
        ))}
    </section>
  );
}
