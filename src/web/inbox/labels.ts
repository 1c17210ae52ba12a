/** How the inbox says things: the due badge, task states, the words of a 409. */
import { ApiError } from '../shared/api';
import { workingTime } from '../shared/format';
import type { Task } from '../shared/inbox-api';

export const STATE_VI: Record<string, string> = {
  open: 'Chưa ai nhận',
  claimed: 'Đang xử lý',
  completing: 'Đang hoàn thành',
  completed: 'Đã hoàn thành',
  cancelled: 'Đã hủy',
};

export type Tone = 'late' | 'soon' | 'ok' | 'none';

/** The badge of a task: working time left, or how late; "soon" within one working day. */
export function dueBadge(t: Pick<Task, 'workingHoursLeft' | 'dueAt'>): { text: string; tone: Tone } {
  const h = t.workingHoursLeft;
  if (h === undefined || h === null) return { text: t.dueAt ? 'Có hạn' : 'Không có hạn', tone: 'none' };
  if (h < 0) return { text: `Trễ ${workingTime(h)}`, tone: 'late' };
  if (h === 0) return { text: 'Đến hạn', tone: 'late' };
  return { text: `Còn ${workingTime(h)}`, tone: h <= 8 ? 'soon' : 'ok' };
}

/** An answer of the server as an official should read it: a 409 explained, never a code. */
export function explain(e: unknown, what: string): string {
  if (e instanceof ApiError) {
    if (e.status === 409) {
      const d = (e.details ?? {}) as { assignee?: string; completedBy?: string; state?: string };
      if (d.assignee) return `Không thể ${what}: công việc này vừa được ${d.assignee} nhận xử lý. Trang đã được cập nhật theo tình trạng mới.`;
      if (d.completedBy) return `Không thể ${what}: công việc này đã được ${d.completedBy} hoàn thành.`;
      if (d.state === 'cancelled') return `Không thể ${what}: công việc đã bị hủy (hồ sơ bị từ chối, dừng hoặc rút).`;
      return `Không thể ${what}: công việc vừa được người khác thay đổi. Hãy xem lại rồi thử lại.`;
    }
    if (e.status === 404) return 'Không tìm thấy công việc này, hoặc bạn không được xem.';
    if (e.status === 403) return `Bạn không được ${what} công việc này.`;
    if (e.status === 400) return `Chưa thể ${what}: thông tin chưa hợp lệ.`;
  }
  return `Không thể ${what}: ${(e as Error).message}`;
}
