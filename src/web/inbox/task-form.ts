/**
 * The task's Camunda form in the form-js viewer (@bpmn-io/form-js 1.23) — the same form-js JSON
 * the server checks the decision against (GET /api/tasks/{id}/form). form-js's own checks run
 * first, as a convenience; its messages are English, so a small module puts the validator's
 * messages into Vietnamese before they are shown at the field.
 */
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';

const VI: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^Field is required\.$/, () => 'Thông tin bắt buộc.'],
  [/^Field must have minimum length of (.+)\.$/, (m) => `Phải có ít nhất ${m[1]} ký tự.`],
  [/^Field must have maximum length of (.+)\.$/, (m) => `Không được dài quá ${m[1]} ký tự.`],
  [/^Field must have minimum value of (.+)\.$/, (m) => `Không được nhỏ hơn ${m[1]}.`],
  [/^Field must have maximum value of (.+)\.$/, (m) => `Không được lớn hơn ${m[1]}.`],
  [/^Field must match pattern (.+)\.$/, (m) => `Không đúng mẫu ${m[1]}.`],
  [/^Field must be a valid email\.$/, () => 'Không phải địa chỉ thư điện tử hợp lệ.'],
  [/^Value is expected to be an integer\.$/, () => 'Phải là số nguyên.'],
  [/^Value is not a number\.$/, () => 'Phải là một số.'],
];

function vi(message: string): string {
  for (const [re, f] of VI) {
    const m = message.match(re);
    if (m) return f(m);
  }
  return message;
}

type Validate = (...args: unknown[]) => string[];
/** Decorates form-js's `validator` so every message it returns is in Vietnamese. */
function VietnameseValidation(validator: Record<string, Validate>) {
  for (const name of ['validateField', 'validateFieldInstance']) {
    const original = validator[name].bind(validator);
    validator[name] = (...args: unknown[]) => original(...args).map(vi);
  }
}
VietnameseValidation.$inject = ['validator'];
const vietnameseModule = { __init__: ['vietnameseValidation'], vietnameseValidation: ['type', VietnameseValidation] };

export interface TaskFormView {
  /** form-js's check, then the data to send; null when a field shows an error. */
  submit(): Record<string, unknown> | null;
  destroy(): void;
}

export async function renderTaskForm(container: HTMLElement, schema: object, data: Record<string, unknown> = {}): Promise<TaskFormView> {
  const form = new Form({ container, additionalModules: [vietnameseModule] });
  await form.importSchema(schema, data);
  return {
    submit() {
      const { data: out, errors } = form.submit() as { data: Record<string, unknown>; errors: Record<string, unknown> };
      if (Object.keys(errors).length) {
        container.querySelector<HTMLElement>('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select')?.focus();
        return null;
      }
      return out;
    },
    destroy: () => form.destroy(),
  };
}
