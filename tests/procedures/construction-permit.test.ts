/**
 * Feature: construction permit — the construction department checks the dossier, the agencies
 * concerned give their opinions in parallel (a multi-instance user task over
 * `consultedAgencies`, each in its own agency's inbox with its own due date), the department
 * decides, the result is returned at the provincial centre.
 */
import { EmbeddedEngineQueries } from '../../src/engine/embedded/queries.js';
import { ended, instant, useProcedures } from './support.js';

const h = useProcedures();
const CODE = 'construction-permit';

describe('Feature: construction permit with parallel consultations', () => {
  test('Scenario: one agency consulted — the fire police gives its opinion, the permit is granted', async () => {
    const key = await h.startDossier(CODE, 'HS-XD-0001', { consultedAgencies: ['canh-sat-pccc'] });
    await h.desk.complete(key, 'receptionCheck', 'so-xay-dung', { dossierComplete: true });

    const fire = await h.desk.complete(key, 'consultation', 'canh-sat-pccc', {
      opinion: { agree: true, text: 'Đạt yêu cầu về phòng cháy, chữa cháy' },
    });
    const { dueDates } = (await h.instance(key)).variables as any;
    expect(instant(fire.dueDate)).toBe(instant(dueDates.consultation['canh-sat-pccc']));

    await h.desk.complete(key, 'permitDecision', 'so-xay-dung', { decision: 'granted' });
    await h.desk.complete(key, 'returnResult', 'mot-cua-tinh');
    await ended(h, key);

    const { state, variables } = (await h.instance(key)) as { state: string; variables: any };
    expect(state).toBe('COMPLETED');
    expect(variables.consultationOpinions).toEqual([{ agency: 'canh-sat-pccc', opinion: { agree: true, text: 'Đạt yêu cầu về phòng cháy, chữa cháy' } }]);
    expect(variables.notification.text).toContain('hồ sơ HS-XD-0001 đã được cấp giấy phép xây dựng');
  });

  test('Scenario: three agencies consulted — "a parallel multi-instance creates one instance per element"; each opinion stays with its agency', async () => {
    const agencies = ['canh-sat-pccc', 'so-nong-nghiep-moi-truong', 'so-van-hoa-the-thao-du-lich'];
    const key = await h.startDossier(CODE, 'HS-XD-0003', { consultedAgencies: agencies });
    const { dueDates } = (await h.instance(key)).variables as any;
    // Different due dates per agency, as the provincial rules may set them
    dueDates.consultation['so-van-hoa-the-thao-du-lich'] = '2026-01-15T10:00:00.000Z';
    await h.engine.setVariables({ elementInstanceKey: key, variables: { dueDates } });
    await h.desk.complete(key, 'receptionCheck', 'so-xay-dung');

    // All three are open at once, each in its own agency's inbox with its own due date
    const jobs = await Promise.all(agencies.map((a) => h.desk.take(key, 'consultation', a)));
    expect(jobs.map((j) => j.candidateGroups)).toEqual(agencies.map((a) => [a]));
    expect(jobs.map((j) => instant(j.dueDate))).toEqual(agencies.map((a) => instant(dueDates.consultation[a])));
    const queries = new EmbeddedEngineQueries(h.db);
    const seen = await Promise.all(jobs.map((j) => queries.searchUserTaskVariables(j.userTaskKey, { filter: { name: 'consultedAgency' } })));
    expect(seen.map((r) => JSON.parse(r.items[0].value))).toEqual(agencies);

    // They answer in another order; the decision waits for the last
    for (const i of [2, 0, 1]) {
      await h.engine.completeUserTask({ userTaskKey: jobs[i].userTaskKey, variables: { opinion: { agree: i !== 2, by: agencies[i] } } });
      if (i !== 1) expect(await h.desk.inHand(key)).toEqual([]);
    }
    await h.desk.complete(key, 'permitDecision', 'so-xay-dung', { decision: 'refused', refusalReason: 'Ảnh hưởng cảnh quan di tích' });
    await h.desk.complete(key, 'returnResult', 'mot-cua-tinh');
    await ended(h, key);

    const { state, variables } = (await h.instance(key)) as { state: string; variables: any };
    expect(state).toBe('COMPLETED');
    expect(variables.consultationOpinions).toEqual(agencies.map((a, i) => ({ agency: a, opinion: { agree: i !== 2, by: a } })));
    // The local `opinion` of each instance did not leak into the process
    expect(variables.opinion).toBeUndefined();
    expect(variables.notification.text).toContain('hồ sơ HS-XD-0003 không được cấp giấy phép xây dựng');
  });

  test('Scenario: no agency needs consulting — "an empty collection skips the multi-instance"', async () => {
    const key = await h.startDossier(CODE, 'HS-XD-0000', { consultedAgencies: [] });
    await h.desk.complete(key, 'receptionCheck', 'so-xay-dung');
    await h.desk.complete(key, 'permitDecision', 'so-xay-dung', { decision: 'granted' });
    await h.desk.complete(key, 'returnResult', 'mot-cua-tinh');
    await ended(h, key);
    expect(await h.userTasksCreated(key)).toEqual(['receptionCheck', 'permitDecision', 'returnResult']);
    expect((await h.instance(key)).variables.consultationOpinions).toEqual([]);
  });
});
