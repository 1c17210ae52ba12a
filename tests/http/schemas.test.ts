/** Feature: the JSON Schemas of the /v2 request bodies are sound. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaRegistry, schemaId, schemasDir } from '../../src/http/validate.js';

test('Given schemas/v2, when the registry loads it, then every schema compiles in strict mode and its $id names its file', () => {
  const registry = SchemaRegistry.load();
  const dir = join(schemasDir(), 'v2');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(schemaId(`v2/${f}`));
    expect(typeof registry.validator(schema.$id)).toBe('function');
  }
});

test('Given a body with several mistakes, when it is checked, then every mistake is listed with its path and message', () => {
  const registry = SchemaRegistry.load();
  let err: any;
  try {
    registry.check(schemaId('v2/job-activation.json'), { type: '', timeout: 'soon', extra: 1 });
  } catch (e) {
    err = e;
  }
  expect(err?.name).toBe('Invalid');
  expect(err.details).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ instancePath: '', message: "must have required property 'maxJobsToActivate'" }),
      expect.objectContaining({ instancePath: '', message: "must NOT have the property 'extra'" }),
      expect.objectContaining({ instancePath: '/type', message: 'must NOT have fewer than 1 characters' }),
      expect.objectContaining({ instancePath: '/timeout', message: 'must be integer' }),
    ]),
  );
});
