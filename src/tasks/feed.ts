/**
 * The inbox's live feed: what changed in the inbox, told in-process after each commit (a task
 * created by the worker or the follower, claimed, given back, assigned, completed through
 * TaskService). `GET /api/tasks/events` turns it into server-sent events for each person,
 * filtered by the same visibility rule as the list (scope.ts `maySee`). It carries no state: a
 * page that (re)connects reloads its list, so a missed event costs nothing. One process: with
 * several service processes each feeds its own pages, which still see every row on reload.
 */
import type { TaskRow } from './types.js';

export type TaskEventKind = 'created' | 'changed';
export interface TaskEvent {
  kind: TaskEventKind;
  task: TaskRow;
}
/** Listeners told in-process of what committed; a listener that throws does not stop the others. */
export class Feed<T> {
  private readonly listeners = new Set<(e: T) => void>();

  publish(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // one listener's failure does not keep the others from hearing
      }
    }
  }

  subscribe(l: (e: T) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get size(): number {
    return this.listeners.size;
  }
}

export class TaskFeed extends Feed<TaskEvent> {}
