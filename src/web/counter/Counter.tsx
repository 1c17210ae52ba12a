/**
 * The one-stop counter: receiving (the form drawn from the procedure's intake schema) beside the
 * search; /counter/{code} shows one dossier in place of the form. Moving between them keeps the
 * address in step (history), so the back button and a bookmark work.
 */
import { useEffect, useState } from 'preact/hooks';
import { DossierView, type Me } from './DossierView';
import { Intake } from './Intake';
import { Search } from './Search';

/** The dossier code in /counter/{code}, or null on /counter. */
export function codeInPath(pathname: string): string | null {
  const m = /^\/counter\/([^/]+)\/?$/.exec(pathname);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

export function CounterPage({ me }: { me: Me }) {
  const [code, setCode] = useState<string | null>(codeInPath(location.pathname));

  useEffect(() => {
    const onPop = () => setCode(codeInPath(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const open = (next: string | null) => {
    history.pushState(null, '', next ? `/counter/${encodeURIComponent(next)}` : '/counter');
    setCode(next);
  };

  return (
    <div class="lt-counter">
      <header class="lt-c-head">
        <h1>Bộ phận Một cửa</h1>
        <p class="lt-muted">
          Cán bộ tiếp nhận: <strong>{me.username}</strong>
          {me.agencyCode ? ` · ${me.agencyCode}` : ''}
        </p>
      </header>
      <div class="lt-c-layout">
        <div class="lt-c-work">
          {code ? (
            <>
              <p>
                <a
                  href="/counter"
                  onClick={(e) => {
                    e.preventDefault();
                    open(null);
                  }}
                >
                  ← Tiếp nhận hồ sơ mới
                </a>
              </p>
              <DossierView code={code} me={me} />
            </>
          ) : (
            <Intake />
          )}
        </div>
        <aside class="lt-c-side">
          <Search onOpen={open} />
        </aside>
      </div>
    </div>
  );
}
