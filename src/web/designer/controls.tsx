/** Small controls of the designer's toolbar and side panel. */

export type Tab = 'properties' | 'catalog' | 'changes' | 'details';

export interface Banner {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

/** The designer's message line: what deploying, opening or saving did, until closed. */
export function BannerBar(props: { banner: Banner | null; onClose: () => void }) {
  const { banner } = props;
  if (!banner) return null;
  return (
    <div class={`lt-d-banner lt-d-banner-${banner.kind}`} role={banner.kind === 'error' ? 'alert' : 'status'}>
      {banner.text}
      <button type="button" aria-label="Đóng thông báo" onClick={props.onClose}>
        ×
      </button>
    </div>
  );
}

export function VersionSelect(props: { label: string; aria: string; versions: number[]; value: number | ''; onChange(v: number): void }) {
  return (
    <label>
      {props.label}
      <select aria-label={props.aria} value={props.value} onChange={(e) => props.onChange(Number(e.currentTarget.value))}>
        {props.versions.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TabButton(props: { id: Tab; tab: Tab; set(t: Tab): void; label: string }) {
  return (
    <button type="button" role="tab" aria-selected={props.tab === props.id} onClick={() => props.set(props.id)}>
      {props.label}
    </button>
  );
}

export type View = 'diagram' | 'forms';

const VIEWS: Array<{ id: View; label: string }> = [
  { id: 'diagram', label: 'Sơ đồ quy trình' },
  { id: 'forms', label: 'Biểu mẫu' },
];

/**
 * The work area's tabs (WAI-ARIA tabs with automatic activation: the arrow keys move to and select
 * the next tab, Home / End the first / last); their panels are `lt-d-panel-<view>`.
 */
export function ViewTabs(props: { view: View; set(v: View): void }) {
  const move = (e: KeyboardEvent) => {
    const i = VIEWS.findIndex((v) => v.id === props.view);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % VIEWS.length
        : e.key === 'ArrowLeft'
          ? (i + VIEWS.length - 1) % VIEWS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? VIEWS.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    props.set(VIEWS[next].id);
    document.getElementById(`lt-d-tab-${VIEWS[next].id}`)?.focus();
  };
  return (
    <div class="lt-d-views" role="tablist" aria-label="Nội dung soạn thảo" onKeyDown={move}>
      {VIEWS.map((v) => (
        <button
          key={v.id}
          type="button"
          role="tab"
          id={`lt-d-tab-${v.id}`}
          aria-controls={`lt-d-panel-${v.id}`}
          aria-selected={props.view === v.id}
          tabIndex={props.view === v.id ? 0 : -1}
          onClick={() => props.set(v.id)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}
