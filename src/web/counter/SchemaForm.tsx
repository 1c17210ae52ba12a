/**
 * The intake form drawn from the procedure's JSON Schema alone: an object is a group (fieldset and
 * legend), an array of objects repeated rows with add and remove, an array of choices a set of
 * checkboxes, a choice a select, a date a dd/mm/yyyy input, numbers, yes/no checkboxes and text.
 * Labels come from the schema's `title` (else labels.ts); required fields are marked; each
 * problem shows under the field (or group) its JSON pointer names.
 */
import type { ComponentChildren } from 'preact';
import { fieldHint, fieldLabel, rowLabel, valueLabel } from './labels';
import { child, choices, emptyValue, fieldId, kindOf, type JsonSchema, type Raw, type RawObject } from './schema';

export interface FormCtx {
  value: Raw;
  set: (path: string, value: Raw) => void;
  problems: Map<string, string[]>;
}

interface NodeProps {
  schema: JsonSchema;
  path: string;
  /** The property name (a row: its array's name). */
  name: string;
  parent?: string;
  label: string;
  required: boolean;
  value: Raw | undefined;
  ctx: FormCtx;
}

/** The root object's properties, each a field or group of its own. */
export function SchemaFields({ schema, ctx }: { schema: JsonSchema; ctx: FormCtx }) {
  return (
    <div class="lt-c-fields lt-c-root">
      <Properties schema={schema} path="" name="" value={ctx.value} ctx={ctx} />
    </div>
  );
}

function Properties({ schema, path, name, value, ctx }: { schema: JsonSchema; path: string; name: string; value: Raw | undefined; ctx: FormCtx }) {
  const req = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([k, p]) => (
        <Node
          key={k}
          schema={p}
          path={child(path, k)}
          name={k}
          parent={name || undefined}
          label={fieldLabel(k, name || undefined, p.title)}
          required={req.has(k)}
          value={(value as RawObject | undefined)?.[k]}
          ctx={ctx}
        />
      ))}
    </>
  );
}

function Node(props: NodeProps) {
  switch (kindOf(props.schema)) {
    case 'object':
      return (
        <Group {...props}>
          <Properties schema={props.schema} path={props.path} name={props.name} value={props.value} ctx={props.ctx} />
        </Group>
      );
    case 'rows':
      return <Rows {...props} />;
    case 'multi':
      return <Multi {...props} />;
    default:
      return <Leaf {...props} />;
  }
}

function Required({ on }: { on: boolean }) {
  return on ? (
    <span class="lt-c-req" title="bắt buộc">
      {' '}
      *<span class="lt-sr">(bắt buộc)</span>
    </span>
  ) : null;
}

function Errors({ id, list }: { id: string; list: string[] | undefined }) {
  if (!list?.length) return null;
  return (
    <div class="lt-c-error" id={id}>
      {list.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

function Group({ schema, path, name, label, required, ctx, children, extra }: NodeProps & { children: ComponentChildren; extra?: ComponentChildren }) {
  const id = fieldId(path);
  const errs = ctx.problems.get(path);
  const hint = fieldHint(name, schema.title, schema.description);
  return (
    <fieldset class={`lt-c-group${errs ? ' lt-c-invalid' : ''}`} id={id} tabIndex={-1} data-path={path} aria-invalid={errs ? 'true' : undefined}>
      <legend>
        {label}
        <Required on={required} />
      </legend>
      {hint && <p class="lt-c-hint">{hint}</p>}
      <Errors id={`${id}-err`} list={errs} />
      <div class="lt-c-fields">{children}</div>
      {extra}
    </fieldset>
  );
}

function Rows(props: NodeProps) {
  const { schema, path, name, ctx } = props;
  const rows = Array.isArray(props.value) ? (props.value as Raw[]) : [];
  const item = schema.items ?? {};
  const min = schema.minItems ?? 0;
  const word = rowLabel(name);
  const add = () => ctx.set(path, [...rows, emptyValue(item)]);
  const remove = (i: number) =>
    ctx.set(
      path,
      rows.filter((_, j) => j !== i),
    );
  const full = schema.maxItems !== undefined && rows.length >= schema.maxItems;
  return (
    <Group
      {...props}
      extra={
        <button type="button" class="lt-btn lt-c-add" onClick={add} disabled={full}>
          + Thêm {word.toLowerCase()}
        </button>
      }
    >
      {rows.map((row, i) => {
        const rowPath = child(path, i);
        const rowLabelText = `${word} ${i + 1}`;
        const removeBtn = (
          <button
            type="button"
            class="lt-btn lt-c-remove"
            onClick={() => remove(i)}
            disabled={rows.length <= Math.max(min, 1)}
            aria-label={`Xóa ${rowLabelText.toLowerCase()}`}
          >
            Xóa
          </button>
        );
        return kindOf(item) === 'object' ? (
          // A row is named apart from its list, so the list's hint is not repeated in every row.
          <Group key={i} schema={{}} path={rowPath} name={`${name}[]`} label={rowLabelText} required={false} value={row} ctx={ctx} extra={removeBtn}>
            <Properties schema={item} path={rowPath} name={name} value={row} ctx={ctx} />
          </Group>
        ) : (
          <div key={i} class="lt-c-row">
            <Node schema={item} path={rowPath} name={name} label={rowLabelText} required={false} value={row} ctx={ctx} />
            {removeBtn}
          </div>
        );
      })}
    </Group>
  );
}

function Multi(props: NodeProps) {
  const { schema, path, ctx } = props;
  const picked = Array.isArray(props.value) ? (props.value as string[]) : [];
  const toggle = (v: string, on: boolean) => ctx.set(path, on ? [...picked, v] : picked.filter((x) => x !== v));
  return (
    <Group {...props}>
      {(choices(schema.items ?? {}) ?? []).map((c, i) => (
        <label key={c.value} class="lt-c-check">
          <input
            type="checkbox"
            id={i === 0 ? `${fieldId(path)}-0` : undefined}
            checked={picked.includes(c.value)}
            onChange={(e) => toggle(c.value, (e.target as HTMLInputElement).checked)}
          />{' '}
          {valueLabel(c.value, c.title)}
        </label>
      ))}
    </Group>
  );
}

function Leaf({ schema, path, name, label, required, value, ctx }: NodeProps) {
  const id = fieldId(path);
  const errs = ctx.problems.get(path);
  const kind = kindOf(schema);
  const common = {
    id,
    name: path,
    'data-path': path,
    'aria-required': required ? ('true' as const) : undefined,
    'aria-invalid': errs ? ('true' as const) : undefined,
    'aria-describedby': errs ? `${id}-err` : undefined,
  };
  const text = typeof value === 'string' ? value : '';
  const onText = (e: Event) => ctx.set(path, (e.target as HTMLInputElement).value);
  let input;
  if (kind === 'boolean') {
    const hint = fieldHint(name, schema.title, schema.description);
    return (
      <div class={`lt-c-field lt-c-bool${errs ? ' lt-c-invalid' : ''}`}>
        <label for={id}>
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => ctx.set(path, (e.target as HTMLInputElement).checked)} /> {label}
          <Required on={required} />
        </label>
        {hint && <p class="lt-c-hint">{hint}</p>}
        <Errors id={`${id}-err`} list={errs} />
      </div>
    );
  } else if (kind === 'select') {
    input = (
      <select {...common} value={text} onChange={onText}>
        <option value="">— Chọn —</option>
        {(choices(schema) ?? []).map((c) => (
          <option key={c.value} value={c.value}>
            {valueLabel(c.value, c.title)}
          </option>
        ))}
      </select>
    );
  } else if (kind === 'date') {
    input = <input {...common} type="text" inputMode="numeric" placeholder="dd/mm/yyyy" autoComplete="off" maxLength={10} value={text} onInput={onText} />;
  } else if (kind === 'integer' || kind === 'number') {
    input = <input {...common} type="text" inputMode={kind === 'integer' ? 'numeric' : 'decimal'} value={text} onInput={onText} />;
  } else {
    input = (
      <input
        {...common}
        type={schema.format === 'email' ? 'email' : 'text'}
        pattern={htmlPattern(schema.pattern)}
        minLength={schema.minLength}
        maxLength={schema.maxLength}
        value={text}
        onInput={onText}
      />
    );
  }
  return (
    <div class={`lt-c-field${errs ? ' lt-c-invalid' : ''}`}>
      <label for={id}>
        {label}
        <Required on={required} />
      </label>
      {input}
      <Errors id={`${id}-err`} list={errs} />
    </div>
  );
}

/** The schema's pattern as an input's `pattern` (which the browser compiles with the `v` flag), when it compiles so. */
function htmlPattern(pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  try {
    new RegExp(pattern, 'v');
    return pattern;
  } catch {
    return undefined;
  }
}
