import { openTestDb, type TestDb } from '../support/db.js';
import { appendAudit, verifyAudit } from '../../src/audit/index.js';

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

describe('Feature: a tamper-evident audit log', () => {
  test('Given entries appended, when verified, then the chain is whole', async () => {
    for (let i = 0; i < 5; i++) {
      await t.db.tx((q) =>
        appendAudit(q, {
          actor: 'canbo1',
          role: 'officer',
          agency: 'UBND-X',
          dossierCode: 'HS-1',
          action: 'task.claimed',
          payload: { i, note: 'Đã nhận hồ sơ' },
        }),
      );
    }
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true, rowsChecked: 5 });
  });

  test('Given the log, when anyone updates or deletes a row, then the database refuses', async () => {
    await expect(t.db.query(`update domain.audit_log set actor = 'x' where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`delete from domain.audit_log where seq = 1`)).rejects.toThrow(/append-only/);
  });

  test('Given a row altered with SQL behind the trigger, when verified, then verify names that row', async () => {
    await t.db.query(`alter table domain.audit_log disable trigger audit_log_no_update`);
    await t.db.query(`update domain.audit_log set payload = jsonb_set(payload, '{note}', '"sửa lén"') where seq = 3`);
    await t.db.query(`alter table domain.audit_log enable trigger audit_log_no_update`);
    const r = await verifyAudit(t.db);
    expect(r.ok).toBe(false);
    // What no longer matches: the hash stored and the one its content gives now, and the row as it reads now.
    expect(r.brokenAt).toEqual({
      seq: '3',
      reason: expect.stringMatching(/altered/),
      kind: 'content',
      expected: expect.stringMatching(/^[0-9a-f]{64}$/),
      found: expect.stringMatching(/^[0-9a-f]{64}$/),
      row: expect.objectContaining({ action: 'task.claimed' }),
    });
    expect(r.brokenAt!.found).not.toBe(r.brokenAt!.expected);
  });

  test('Given a rolled-back action, then its audit row is gone with it', async () => {
    const before = (await t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n;
    await expect(
      t.db.tx(async (q) => {
        await appendAudit(q, { actor: 'a', role: 'counter', action: 'dossier.received' });
        throw new Error('domain action failed');
      }),
    ).rejects.toThrow('domain action failed');
    expect((await t.db.query(`select count(*)::int as n from domain.audit_log`)).rows[0].n).toBe(before);
  });
});
