/** Small controls of the designer's toolbar and side panel. */

export type Tab = 'properties' | 'catalog' | 'changes' | 'details';

export function VersionSelect(props: { label: string; aria: string; versions: number[]; value: number | ''; onChange(v: number): void }) {
  return (
    <label>
      {props.label}
      <select aria-label={props.aria} value={props.value} onChange={(e) => props.onChange(Number((e.currentTarget as HTMLSelectElement).value))}>
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
