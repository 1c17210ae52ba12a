/**
 * The catalog: every `processes/<code>/procedure.json`, validated, with the BPMN files its
 * versions run. Loading is all or nothing — one broken file stops it, and the error lists every
 * problem of every file, each with the file and the JSON pointer.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { NotFound } from '../errors.js';
import type { LoadedProcedure, Procedure, RuleVersion } from './types.js';
import { ProcedureCatalogError, schemaProblems, semanticProblems, type CatalogProblem } from './validate.js';

export interface BpmnResource {
  /** `<code>/<file>`, e.g. `birth-registration-group/process.bpmn` or `birth-registration-group/forms/birthRegistration.form`. */
  name: string;
  content: string;
}

export class Catalog {
  private readonly byCode: Map<string, LoadedProcedure>;

  constructor(
    readonly dir: string,
    readonly procedures: readonly LoadedProcedure[],
    private readonly files: ReadonlyMap<string, string>,
    /** Per procedure code, its `forms/*.form` files: name → JSON text. */
    private readonly forms: ReadonlyMap<string, ReadonlyArray<[string, string]>> = new Map(),
  ) {
    this.byCode = new Map(procedures.map((p) => [p.code, p]));
  }

  find(code: string): LoadedProcedure | undefined {
    return this.byCode.get(code);
  }

  get(code: string): LoadedProcedure {
    const p = this.byCode.get(code);
    if (!p) throw new NotFound(`không có thủ tục '${code}' trong danh mục (no procedure '${code}' in the catalog)`);
    return p;
  }

  /** The BPMN text of a file of a procedure's folder. */
  bpmn(procedure: LoadedProcedure, file: string): string {
    const xml = this.files.get(join(procedure.location.dir, file));
    if (xml === undefined) throw new NotFound(`${procedure.code}/${file} is not a BPMN file of the catalog`);
    return xml;
  }

  /**
   * What to deploy: every BPMN file some version runs, once each, and every Camunda form of the
   * procedure's `forms/` folder (`*.form`, linked from the user tasks by `zeebe:formDefinition
   * formId`) — forms first, so a deployment holding both links the forms it just deployed.
   */
  resources(): BpmnResource[] {
    const out: BpmnResource[] = [];
    for (const p of this.procedures) {
      for (const [file, content] of this.forms.get(p.code) ?? []) out.push({ name: `${p.code}/${FORMS_DIR}/${file}`, content });
      for (const file of new Set(p.versions.flatMap(bpmnFiles))) {
        out.push({ name: `${p.code}/${file}`, content: this.bpmn(p, file) });
      }
    }
    return out;
  }
}

/** Loads and validates every `<dir>/<code>/procedure.json`; throws ProcedureCatalogError. */
export async function loadCatalog(dir: string): Promise<Catalog> {
  const root = resolve(dir);
  const shown = (f: string) => relative(dirname(root), f).split(sep).join('/');
  const entries = (await readdir(root, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name));

  const problems: CatalogProblem[] = [];
  const procedures: LoadedProcedure[] = [];
  const files = new Map<string, string>();
  const forms = new Map<string, Array<[string, string]>>();
  for (const e of entries) {
    const folder = join(root, e.name);
    const path = join(folder, 'procedure.json');
    const file = shown(path);
    if (!existsSync(path)) {
      problems.push({ file, path: '', message: 'is missing: every folder under the catalog is a procedure with a procedure.json' });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      problems.push({ file, path: '', message: `is not valid JSON: ${(err as Error).message}` });
      continue;
    }
    const shape = schemaProblems(value, file);
    if (shape.length) {
      problems.push(...shape);
      continue;
    }
    const p = value as Procedure;
    const meaning = semanticProblems(p, folder, file);
    if (meaning.length) {
      problems.push(...meaning);
      continue;
    }
    for (const f of new Set(p.versions.flatMap(bpmnFiles))) files.set(join(folder, f), await readFile(join(folder, f), 'utf8'));
    forms.set(p.code, await readForms(join(folder, FORMS_DIR)));
    procedures.push(Object.assign(p, { location: { dir: folder, file } }));
  }
  if (problems.length) throw new ProcedureCatalogError(problems);
  return new Catalog(root, procedures, files, forms);
}

const FORMS_DIR = 'forms';

/** The `*.form` files of a folder, sorted by name (none when there is no folder). */
async function readForms(dir: string): Promise<Array<[string, string]>> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.form')).map((e) => e.name);
  return Promise.all(names.sort().map(async (n): Promise<[string, string]> => [n, await readFile(join(dir, n), 'utf8')]));
}

function bpmnFiles(v: RuleVersion): string[] {
  return [v.process.file, ...(v.process.calledProcesses ?? []).map((c) => c.file)];
}
