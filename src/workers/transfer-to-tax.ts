/**
 * lienthong.transfer-to-tax — the land registration office's information transfer slip to the
 * tax authority (phiếu chuyển thông tin để xác định nghĩa vụ tài chính). The number is derived
 * from the dossier code, so a redelivered job issues the same slip.
 */
import type { JobHandlerSpec } from './types.js';
import { dossierCode } from './types.js';

export const transferToTax: JobHandlerSpec = {
  type: 'lienthong.transfer-to-tax',
  doc: {
    name: 'Chuyển thông tin sang cơ quan thuế',
    description: 'Văn phòng đăng ký đất đai lập phiếu chuyển thông tin để cơ quan thuế xác định nghĩa vụ tài chính (biến taxTransferSlip).',
    headers: [],
  },
  fetchVariable: ['dossierCode', 'landParcel'],
  handle(job, { log, now }) {
    const code = dossierCode(job);
    const parcel = job.variables.landParcel ?? null;
    const slip = { number: `PCTT-${code}`, to: 'co-quan-thue', landParcel: parcel, at: new Date(now()).toISOString() };
    log.info({ job: job.key, dossierCode: code, slip: slip.number }, 'chuyển thông tin sang cơ quan thuế');
    return { taxTransferSlip: slip };
  },
};
