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
