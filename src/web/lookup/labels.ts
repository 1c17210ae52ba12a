/** The dossier's status in plain Vietnamese, for the citizen (every status of dossiers/lifecycle.ts). */
import type { DossierStatus, PublicStatus } from './api';

export type Tone = 'info' | 'action' | 'good' | 'bad' | 'neutral';

export interface StatusText {
  label: string;
  /** One sentence: what it means for the citizen, what to do next. */
  explain: string;
  tone: Tone;
}

const STATUS: Record<DossierStatus, StatusText> = {
  received: {
    label: 'Đã tiếp nhận',
    explain: 'Hồ sơ đã được tiếp nhận và đang chờ chuyển đến cơ quan giải quyết.',
    tone: 'info',
  },
  in_progress: {
    label: 'Đang giải quyết',
    explain: 'Hồ sơ đang được các cơ quan giải quyết. Ông/bà chưa cần làm gì thêm.',
    tone: 'info',
  },
  supplement_requested: {
    label: 'Cần bổ sung hồ sơ',
    explain: 'Cơ quan giải quyết đề nghị bổ sung giấy tờ. Thời hạn giải quyết tạm dừng cho đến khi ông/bà gửi bổ sung.',
    tone: 'action',
  },
  supplemented: {
    label: 'Đang giải quyết (đã nhận bổ sung)',
    explain: 'Giấy tờ bổ sung đã được ghi nhận; hồ sơ tiếp tục được giải quyết.',
    tone: 'info',
  },
  done: {
    label: 'Đã có kết quả, mời đến nhận',
    explain: 'Hồ sơ đã giải quyết xong. Mời ông/bà mang Giấy tiếp nhận hồ sơ và hẹn trả kết quả đến nhận kết quả.',
    tone: 'good',
  },
  refused: {
    label: 'Từ chối giải quyết',
    explain: 'Cơ quan có thẩm quyền từ chối giải quyết hồ sơ. Mời ông/bà đến nhận lại hồ sơ và văn bản nêu lý do.',
    tone: 'bad',
  },
  stopped: {
    label: 'Dừng giải quyết',
    explain: 'Hồ sơ đã dừng giải quyết. Mời ông/bà đến nhận lại hồ sơ và thông báo nêu lý do.',
    tone: 'bad',
  },
  returned: {
    label: 'Đã trả kết quả',
    explain: 'Kết quả (hoặc hồ sơ) đã được trả cho người nộp.',
    tone: 'neutral',
  },
};

const WITHDRAWN: StatusText = {
  label: 'Đã rút hồ sơ',
  explain: 'Hồ sơ đã dừng giải quyết theo đề nghị rút hồ sơ của người nộp.',
  tone: 'neutral',
};

/** The status as the citizen reads it; a withdrawal is a stop whose outcome says so. */
export function statusText(s: Pick<PublicStatus, 'status' | 'result'>): StatusText {
  if (s.status === 'stopped' && s.result?.outcome === 'withdrawn') return WITHDRAWN;
  return STATUS[s.status] ?? { label: s.status, explain: '', tone: 'neutral' };
}

/** Every status has its words (checked by the page test through the labels it shows). */
export const STATUS_LABELS: Readonly<Record<DossierStatus, StatusText>> = STATUS;
