/**
 * Intake validation: the procedure's JSON Schema (`schemas/dossiers/<code>.intake.json`, ajv,
 * draft 2020-12), then what a schema cannot say — the structure of each citizen ID against the
 * declared birth date and gender, dates not after the receipt, the child's age limit, the linked
 * choices and consulted agencies against the rule version, and the documents handed in against
 * the version's required list. Every problem carries the JSON pointer and the reason in
 * Vietnamese and English; all are reported at once.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { problemsOf, schemaId, schemaIds, summarize, validatorFor, type Problem } from '../../schemas.js';
import { Invalid } from '../../errors.js';
import type { RuleVersion } from '../../procedures/index.js';
import { citizenIdProblems, type Gender } from './citizen-id.js';

/** One problem of an intake: the service's one problem shape (JSON pointer into the intake, Vietnamese, English). */
export type IntakeProblem = Problem;

const INTAKE_PREFIX = schemaId('dossiers/');
const INTAKE_SUFFIX = '.intake.json';
export const intakeSchemaId = (procedureCode: string) => `${INTAKE_PREFIX}${procedureCode}${INTAKE_SUFFIX}`;

/** How the schema's problems of an intake are worded: the form is the procedure's. */
const WORDING = {
  form: { vi: 'tờ khai của thủ tục này', en: "this procedure's form" },
  note: (e: ErrorObject) =>
    e.keyword === 'additionalProperties' && (e.params as { additionalProperty?: string }).additionalProperty === 'district'
      ? {
          vi: ' (từ 01/07/2025 địa chỉ chỉ còn tỉnh và xã, không có cấp huyện)',
          en: ' (since 01/07/2025 addresses have a province and a commune, no district)',
        }
      : undefined,
};

/** The intake is wrong; `details` is the list of IntakeProblem. */
export class IntakeInvalid extends Invalid {
  constructor(readonly problems: IntakeProblem[]) {
    super(`tờ khai không hợp lệ (the intake is invalid): ${summarize(problems, (p) => `${p.path || '(root)'} ${p.messageEn}`, 3, true)}`, problems);
  }
}

export interface IntakeContext {
  /** The receipt instant: nothing declared may be after it (its day in Asia/Ho_Chi_Minh). */
  receivedAt: Date;
}

export class IntakeValidator {
  /** The procedures with an intake schema, by code, and the schema's `$id`. */
  private readonly ids = new Map<string, string>();

  private constructor() {}

  /**
   * Every `schemas/dossiers/<code>.intake.json`, from the service's one Ajv. Each is compiled on
   * its procedure's first intake (Ajv keeps it): a service that never receives a construction
   * permit never pays for its schema, nor does a test file that receives none.
   */
  static load(): IntakeValidator {
    const v = new IntakeValidator();
    for (const id of schemaIds('dossiers')) {
      if (id.endsWith(INTAKE_SUFFIX)) v.ids.set(id.slice(INTAKE_PREFIX.length, -INTAKE_SUFFIX.length), id);
    }
    return v;
  }

  has(procedureCode: string): boolean {
    return this.ids.has(procedureCode);
  }

  /** Every problem of `intake` for a dossier of `procedureCode` under `version`; empty when valid. */
  problems(procedureCode: string, version: RuleVersion, intake: unknown, ctx: IntakeContext): IntakeProblem[] {
    const id = this.ids.get(procedureCode);
    if (!id) {
      return [
        {
          path: '',
          messageVi: `thủ tục '${procedureCode}' chưa có mẫu tờ khai`,
          messageEn: `procedure '${procedureCode}' has no intake schema`,
        },
      ];
    }
    const validate = validatorFor(id);
    if (!validate(intake)) return problemsOf(validate.errors ?? [], WORDING);
    return semanticProblems(intake as Intake, version, ctx);
  }

  /** Throws IntakeInvalid listing every problem. */
  check(procedureCode: string, version: RuleVersion, intake: unknown, ctx: IntakeContext): void {
    const problems = this.problems(procedureCode, version, intake, ctx);
    if (problems.length) throw new IntakeInvalid(problems);
  }
}

// ---- what the schema cannot say -------------------------------------------------------------

interface PersonLike {
  fullName?: string;
  citizenId?: string;
  birthDate?: string;
  gender?: Gender;
}

/** The fields every intake schema has, and the procedure-specific ones the checks read. */
export interface Intake {
  applicant: PersonLike & { phone?: string; email?: string; address: Record<string, string> };
  documents: { code: string; form?: string; count?: number; fileName?: string; note?: string }[];
  [k: string]: unknown;
}

/** The objects of an intake that are people with a citizen ID, by JSON pointer. */
const PEOPLE = ['applicant', 'mother', 'father', 'deceased', 'transferor', 'transferee'];

function semanticProblems(intake: Intake, version: RuleVersion, ctx: IntakeContext): IntakeProblem[] {
  const out: IntakeProblem[] = [];
  const today = vnDay(ctx.receivedAt);
  const notAfterToday = (path: string, date: string | undefined, what: { vi: string; en: string }) => {
    if (date && date > today) {
      out.push({
        path,
        messageVi: `${what.vi} không được sau ngày tiếp nhận (${dmy(today)})`,
        messageEn: `${what.en} must not be after the day of receipt (${today})`,
      });
    }
  };

  for (const key of PEOPLE) {
    const p = intake[key] as PersonLike | undefined;
    if (!p || typeof p !== 'object') continue;
    if (p.citizenId) {
      for (const m of citizenIdProblems(p.citizenId, { birthDate: p.birthDate, gender: p.gender })) out.push({ path: `/${key}/citizenId`, ...m });
    }
    notAfterToday(`/${key}/birthDate`, p.birthDate, { vi: 'ngày sinh', en: 'the birth date' });
  }

  const child = intake.child as { birthDate?: string } | undefined;
  if (child?.birthDate) {
    notAfterToday('/child/birthDate', child.birthDate, { vi: 'ngày sinh của trẻ', en: "the child's birth date" });
    const limit = (version.thresholds ?? []).find((t) => t.code === 'childAgeLimit' && t.unit === 'years');
    if (limit && addYears(child.birthDate, limit.value) <= today) {
      out.push({
        path: '/child/birthDate',
        messageVi: `trẻ đã đủ ${limit.value} tuổi nên không thuộc nhóm thủ tục liên thông này (${limit.source})`,
        messageEn: `the child is ${limit.value} or older, outside this linked procedure (${limit.source})`,
      });
    }
  }

  const deceased = intake.deceased as { birthDate?: string; deathDate?: string } | undefined;
  if (deceased?.deathDate) {
    notAfterToday('/deceased/deathDate', deceased.deathDate, { vi: 'ngày chết', en: 'the date of death' });
    if (deceased.birthDate && deceased.deathDate < deceased.birthDate) {
      out.push({
        path: '/deceased/deathDate',
        messageVi: 'ngày chết không được trước ngày sinh',
        messageEn: 'the date of death must not be before the birth date',
      });
    }
  }

  const transferor = intake.transferor as PersonLike | undefined;
  const transferee = intake.transferee as PersonLike | undefined;
  if (transferor?.citizenId && transferor.citizenId === transferee?.citizenId) {
    out.push({
      path: '/transferee/citizenId',
      messageVi: 'bên nhận chuyển nhượng không thể là bên chuyển nhượng',
      messageEn: 'the transferee cannot be the transferor',
    });
  }

  // Agencies a dossier may choose: those performing a step that several agencies share.
  if (Array.isArray(intake.consultedAgencies)) {
    const shared = multiAgencySteps(version);
    (intake.consultedAgencies as string[]).forEach((a, i) => {
      if (!shared.has(a)) {
        out.push({
          path: `/consultedAgencies/${i}`,
          messageVi: `cơ quan '${a}' không được lấy ý kiến trong phiên bản quy định ${version.version}`,
          messageEn: `agency '${a}' is not consulted under rule version ${version.version}`,
        });
      }
    });
  }

  out.push(...documentProblems(intake.documents, version));
  return out;
}

function documentProblems(docs: Intake['documents'], version: RuleVersion): IntakeProblem[] {
  const out: IntakeProblem[] = [];
  const known = new Map(version.documents.map((d) => [d.code, d]));
  const given = new Set<string>();
  docs.forEach((d, i) => {
    const req = known.get(d.code);
    if (!req) {
      out.push({
        path: `/documents/${i}/code`,
        messageVi: `giấy tờ '${d.code}' không có trong thành phần hồ sơ của phiên bản quy định ${version.version}`,
        messageEn: `document '${d.code}' is not in the list of documents of rule version ${version.version}`,
      });
      return;
    }
    if (given.has(d.code)) {
      out.push({
        path: `/documents/${i}`,
        messageVi: `giấy tờ '${d.code}' được kê khai hai lần`,
        messageEn: `document '${d.code}' is listed twice`,
      });
      return;
    }
    given.add(d.code);
    if (d.count !== undefined && d.count < req.count) {
      out.push({
        path: `/documents/${i}/count`,
        messageVi: `cần ${req.count} bản '${req.name.vi}', mới nộp ${d.count}`,
        messageEn: `${req.count} of '${req.name.en}' are needed, ${d.count} given`,
      });
    }
  });
  // Conditional documents ("when someone files on another's behalf") cannot be decided from the
  // form alone: the counter officer judges them; only unconditional ones are required here.
  const missing = version.documents.filter((d) => !d.condition && !given.has(d.code));
  if (missing.length) {
    out.push({
      path: '/documents',
      messageVi: `thiếu giấy tờ bắt buộc: ${missing.map((d) => `${d.name.vi} (${d.code})`).join('; ')}`,
      messageEn: `required documents are missing: ${missing.map((d) => `${d.name.en} (${d.code})`).join('; ')}`,
    });
  }
  return out;
}

/** Agency codes that perform a step several agencies share (a multi-instance step). */
export function multiAgencySteps(version: RuleVersion): Set<string> {
  const performers = new Map<string, string[]>();
  for (const a of version.agencies) for (const s of a.steps) performers.set(s.id, [...(performers.get(s.id) ?? []), a.code]);
  return new Set([...performers.values()].filter((p) => p.length > 1).flat());
}

function vnDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function dmy(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** 'YYYY-MM-DD' plus whole years (29 February → 28 February in a common year: the birthday is then 1 March, counted conservatively). */
function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  const md = date.slice(5);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return `${String(y).padStart(4, '0')}-${md === '02-29' && !leap ? '03-01' : md}`;
}
