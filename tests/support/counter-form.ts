/**
 * The counter's intake form in the browser, as an officer fills it: the form /counter draws from
 * the procedure's intake JSON Schema, typed field by field (dates dd/mm/yyyy, choices from selects).
 */
import type { Page } from 'playwright-core';

/** The id the form gives the input at a JSON pointer (SchemaForm's fieldId), as a CSS selector. */
export const intakeField = (pointer: string): string => `#lt-f${pointer.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const viDay = (iso: string) => iso.split('-').reverse().join('/');

/** Types `intake` into the generated form; the field at the pointer `skip` is left empty. */
export async function fillIntakeForm(page: Page, intake: unknown, skip?: string): Promise<void> {
  const fill = async (pointer: string, value: unknown): Promise<void> => {
    if (pointer === skip) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (i > 0) await page.click(`fieldset[data-path="${pointer}"] > .lt-c-add`);
        await fill(`${pointer}/${i}`, value[i]);
      }
    } else if (typeof value === 'boolean') {
      await page.setChecked(intakeField(pointer), value);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) await fill(`${pointer}/${k}`, v);
    } else {
      const text = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? viDay(value) : String(value);
      const input = page.locator(intakeField(pointer));
      if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption(text);
      else await input.fill(text);
    }
  };
  await fill('', intake);
}

/** At /counter (signed in): chooses the procedure, fills the intake, submits; the receipt's code and lookup secret. */
export async function receiveAtCounter(page: Page, procedureCode: string, intake: unknown): Promise<{ code: string; secret: string }> {
  await page.waitForSelector(`#lt-c-procedure option[value="${procedureCode}"]`, { state: 'attached' });
  await page.selectOption('#lt-c-procedure', procedureCode);
  await page.waitForSelector(`form.lt-c-form[data-procedure="${procedureCode}"]`);
  await fillIntakeForm(page, intake);
  await page.click('form.lt-c-form button[type=submit]');
  await page.waitForSelector('[data-testid="receipt"]');
  const code = (await page.textContent('[data-testid="receipt-code"]'))!.trim();
  const secret = (await page.textContent('[data-testid="receipt-secret"]'))!.trim();
  return { code, secret };
}
