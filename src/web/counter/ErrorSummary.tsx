/** The problems of a refused intake, listed above the form, each linking to the field it names. */
import type { Placed } from './problems';
import { fieldId } from './schema';

export function ErrorSummary({ placed }: { placed: Placed[] }) {
  if (!placed.length) return null;
  const go = (e: Event, at: string) => {
    e.preventDefault();
    const el = document.getElementById(fieldId(at));
    el?.scrollIntoView({ block: 'center' });
    el?.focus();
  };
  return (
    <div class="lt-c-summary" role="alert" tabIndex={-1} data-testid="error-summary">
      <h3>Hồ sơ chưa được tiếp nhận: {placed.length === 1 ? 'có 1 thông tin cần sửa' : `có ${placed.length} thông tin cần sửa`}</h3>
      <ul>
        {placed.map((p, i) => (
          <li key={i}>
            {p.at ? (
              <a href={`#${fieldId(p.at)}`} onClick={(e) => go(e, p.at)}>
                {p.label}
              </a>
            ) : (
              <strong>{p.label}</strong>
            )}
            : {p.messageVi}
          </li>
        ))}
      </ul>
    </div>
  );
}
