/** Audit actions and roles in Vietnamese: the trace's names, and those only the log shows. */
import { ACTION_VI } from '../trace/labels';

const MORE: Record<string, string> = {
  'auth.login': 'Đăng nhập',
  'auth.login_failed': 'Đăng nhập không thành công',
  'auth.logout': 'Đăng xuất',
  'sla.at_risk': 'Cảnh báo sắp đến hạn',
  'sla.overdue': 'Quá hạn xử lý',
  'calendar.override_approved': 'Duyệt lịch làm việc',
  'calendar.override_set': 'Sửa lịch làm việc',
  'calendar.override_deleted': 'Xóa điều chỉnh lịch làm việc',
  'task.assigned': 'Giao bước xử lý cho cán bộ',
  'task.unclaimed': 'Cán bộ trả lại bước xử lý',
  'auth.client_token': 'Chương trình lấy mã truy cập',
  'auth.client_token_refused': 'Chương trình bị từ chối mã truy cập',
};

export const ROLE_VI: Record<string, string> = {
  admin: 'Quản trị',
  designer: 'Thiết kế',
  officer: 'Cán bộ',
  counter: 'Một cửa',
  auditor: 'Thanh tra',
  system: 'Hệ thống',
  public: 'Người dân',
};

export function actionVi(action: string): string {
  return ACTION_VI[action] ?? MORE[action] ?? action;
}

/** Actions offered in the filter (a prefix ending in '.' matches a family). */
export const ACTION_CHOICES: [string, string][] = [
  ['', 'Mọi hành động'],
  ['dossier.', 'Hồ sơ (mọi hành động)'],
  ['task.', 'Bước xử lý (mọi hành động)'],
  ['auth.', 'Đăng nhập, đăng xuất'],
  ['audit.read_personal_data', actionVi('audit.read_personal_data')],
  ['sla.', 'Cảnh báo hạn xử lý'],
  ['calendar.', 'Lịch làm việc'],
];
