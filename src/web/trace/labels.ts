/** What an auditor reads: Vietnamese names of statuses, audit actions, engine commands and verdicts. */
import type { TraceClock } from '../shared/api';
import { workingTime } from '../shared/format';

export const STATUS_VI: Record<string, string> = {
  received: 'Đã tiếp nhận',
  in_progress: 'Đang giải quyết',
  supplement_requested: 'Chờ bổ sung',
  supplemented: 'Đã bổ sung',
  done: 'Đã có kết quả',
  refused: 'Từ chối giải quyết',
  stopped: 'Dừng giải quyết',
  returned: 'Đã trả kết quả',
  withdrawn: 'Đã rút hồ sơ',
};

export const ACTION_VI: Record<string, string> = {
  'dossier.received': 'Tiếp nhận hồ sơ, cấp giấy tiếp nhận (mẫu 01)',
  'dossier.receipt_failed': 'Tiếp nhận không thành công',
  'dossier.supplement_requested': 'Yêu cầu bổ sung hồ sơ (mẫu 02)',
  'dossier.supplemented': 'Đã bổ sung hồ sơ',
  'dossier.refused': 'Từ chối giải quyết (mẫu 03)',
  'dossier.apologized': 'Xin lỗi, hẹn lại ngày trả (mẫu 04)',
  'dossier.stopped': 'Dừng giải quyết (mẫu 05)',
  'dossier.withdrawn': 'Người nộp rút hồ sơ (mẫu 05)',
  'dossier.done': 'Có kết quả giải quyết',
  'dossier.returned': 'Trả kết quả cho người nộp',
  'task.created': 'Chuyển hồ sơ đến cơ quan',
  'task.claimed': 'Cán bộ nhận xử lý',
  'task.completed': 'Hoàn thành bước xử lý',
  'task.cancelled': 'Hủy bước xử lý',
  'task.withdrawn': 'Rút bước xử lý',
  'audit.read_personal_data': 'Thanh tra đọc dữ liệu cá nhân',
  'register.read': 'Đọc sổ theo dõi (mẫu 07)',
};

export const KIND_VI: Record<string, string> = {
  status: 'Trạng thái',
  handover: 'Chuyển giao',
  claim: 'Nhận xử lý',
  complete: 'Hoàn thành',
  audit: 'Nhật ký',
};

export const COMMAND_VI: Record<string, string> = {
  CREATE_PROCESS_INSTANCE: 'khởi tạo quy trình',
  COMPLETE_JOB: 'hoàn thành công việc',
  COMPLETE_USER_TASK: 'hoàn thành bước xử lý',
  SET_VARIABLES: 'cập nhật biến',
  CORRELATE_MESSAGE: 'nhận thông điệp',
  FIRE_TIMER: 'hẹn giờ',
  THROW_ERROR: 'báo lỗi nghiệp vụ',
  FAIL_JOB: 'công việc lỗi',
  RESOLVE_INCIDENT: 'xử lý sự cố',
  BROADCAST_SIGNAL: 'tín hiệu',
};

export type VerdictTone = 'early' | 'on_time' | 'late' | 'running' | 'none';

/** The SLA verdict of a clock in words, and its tone for colour. */
export function verdictOf(c: TraceClock | null): { text: string; tone: VerdictTone } {
  if (!c) return { text: 'Không tính hạn', tone: 'none' };
  const o = c.overrunHours;
  if (c.result === 'late') return { text: o ? `Trễ hạn ${workingTime(o)} làm việc` : 'Trễ hạn', tone: 'late' };
  if (c.result === 'early') return { text: o ? `Sớm hạn ${workingTime(o)} làm việc` : 'Trước hạn', tone: 'early' };
  if (c.result === 'on_time') return { text: 'Đúng hạn', tone: 'on_time' };
  if (c.state === 'cancelled') return { text: 'Không tiếp tục', tone: 'none' };
  if (o && o > 0) return { text: `Đang quá hạn ${workingTime(o)} làm việc`, tone: 'late' };
  return { text: c.state === 'paused' ? 'Tạm dừng tính hạn' : 'Đang trong hạn', tone: 'running' };
}
