/**
 * Feature: the birth group (Decree 63/2024) — birth registration at the commune, then permanent
 * residence (commune police) and the health insurance card (social insurance) in parallel,
 * both results returned together at the one-stop counter.
 */
import { ended, instant, useProcedures } from './support.js';

const h = useProcedures();
const CODE = 'birth-registration-group';

describe('Feature: birth registration → residence ∥ health insurance card → return', () => {
  test('Scenario: each agency completes its own step; the result is returned once both linked steps are done', async () => {
    const key = await h.startDossier(CODE, 'HS-KS-0001', { applicantName: 'Trần Thị B', appointmentAt: '2026-01-09T16:00:00+07:00' });

    // Given the justice officer registers the birth
    const birth = await h.desk.complete(key, 'birthRegistration', 'ubnd-xa.tu-phap-ho-tich', {
      birthCertificate: { number: 'KS-12/2026' },
    });
    expect(instant(birth.dueDate)).toBe(instant(((await h.instance(key)).variables as any).dueDates.birthRegistration));

    // Then the data is handed off and both linked steps are open at the same time
    const police = await h.desk.take(key, 'residenceRegistration', 'cong-an-xa');
    const card = await h.desk.take(key, 'healthInsuranceCard', 'bhxh');
    expect((await h.instance(key)).variables.handoff).toEqual({
      number: 'LT-HS-KS-0001-handOffBirthData',
      to: ['cong-an-xa', 'bhxh'],
      at: expect.any(String),
    });
    expect(await h.activeElements(key)).toEqual(['healthInsuranceCard', 'residenceRegistration']);

    // When only the police has finished, nothing is returned yet
    await h.engine.completeUserTask({ userTaskKey: police.userTaskKey, variables: { residence: { registered: true } } });
    expect(await h.activeElements(key)).toEqual(['healthInsuranceCard']);

    // When social insurance issues the card, the citizen is told and the counter returns both results
    await h.engine.completeUserTask({ userTaskKey: card.userTaskKey, variables: { healthInsurance: { cardNumber: 'TE1010100000001' } } });
    await h.desk.complete(key, 'returnResult', 'mot-cua-xa', { returnedAt: '2026-01-09T15:30:00+07:00' });
    await ended(h, key);

    const { state, variables } = await h.instance(key);
    expect(state).toBe('COMPLETED');
    expect(variables.notification).toEqual({
      template: 'result-ready',
      text: 'Kính gửi ông/bà Trần Thị B: hồ sơ HS-KS-0001 đã có kết quả. Mời ông/bà đến Bộ phận Một cửa nhận kết quả theo lịch hẹn ngày 09/01/2026.',
      at: expect.any(String),
    });
    expect(variables).toMatchObject({
      birthCertificate: { number: 'KS-12/2026' },
      residence: { registered: true },
      healthInsurance: { cardNumber: 'TE1010100000001' },
    });
    expect(await h.userTasksCreated(key)).toEqual(['birthRegistration', 'residenceRegistration', 'healthInsuranceCard', 'returnResult']);
    // The applicant's name went into the notice, never into the log.
    expect(JSON.stringify(h.logs)).not.toContain('Trần Thị B');
  });
});
