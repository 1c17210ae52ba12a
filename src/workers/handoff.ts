/**
 * lienthong.handoff — hands the data of a finished step to the next agencies of a linked
 * procedure (the electronic liên thông transfer) and records the hand-off slip. The slip number
 * is derived from the dossier code and the element, so a job delivered twice yields the same slip.
 */
import type { JobHandlerSpec } from './types.js';
import { dossierCode } from './types.js';

export const handoff: JobHandlerSpec = {
  type: 'lienthong.handoff',
  doc: {
    name: 'Chuyển thông tin liên thông',
    description: 'Chuyển dữ liệu của bước vừa xong sang các cơ quan tiếp theo (liên thông điện tử) và ghi phiếu chuyển (biến handoff).',
    headers: [
      {
        key: 'to',
        label: 'Cơ quan nhận',
        description: 'Các loại cơ quan nhận thông tin, cách nhau bởi dấu phẩy, ví dụ: cong-an-xa,bhxh.',
        format: 'agency-kinds',
      },
    ],
  },
  fetchVariable: ['dossierCode'],
  handle(job, { log, now }) {
    const code = dossierCode(job);
    const to = (job.customHeaders.to ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!to.length) throw new Error(`job ${job.key} at '${job.elementId}': header 'to' must name the receiving agencies`);
    const slip = { number: `LT-${code}-${job.elementId}`, to, at: new Date(now()).toISOString() };
    log.info({ job: job.key, dossierCode: code, to }, 'liên thông: chuyển thông tin hồ sơ');
    return { handoff: slip };
  },
};
