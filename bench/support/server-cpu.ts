/**
 * CPU time spent by the PostgreSQL backends serving one database, read from /proc when the server
 * runs on this machine. CPU per job is the figure that survives a busy machine: wall-clock rates
 * fall when other work shares the cores, CPU seconds per job barely move.
 */
import { readFileSync } from 'node:fs';
import type { Db } from '../../src/db/index.js';

const TICK_MS = 10; // USER_HZ is 100 on every Linux Node supports

function ticks(pid: number): number | undefined {
  try {
    // Fields after the command name (which may contain spaces): utime and stime are 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return undefined;
  }
}

export class ServerCpu {
  private start = new Map<number, number>();

  private constructor(private readonly db: Db) {}

  /** Undefined when the backends' processes cannot be seen from here (remote server, PGlite). */
  static async begin(db: Db): Promise<ServerCpu | undefined> {
    if (db.kind !== 'postgres') return undefined;
    const s = new ServerCpu(db);
    for (const pid of await s.pids()) {
      const t = ticks(pid);
      if (t === undefined) return undefined;
      s.start.set(pid, t);
    }
    return s;
  }

  private async pids(): Promise<number[]> {
    const { rows } = await this.db.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'`,
    );
    return rows.map((r) => r.pid);
  }

  /** Backend CPU ms since begin (backends that started meanwhile count in full). */
  async end(): Promise<number> {
    let total = 0;
    for (const pid of new Set([...this.start.keys(), ...(await this.pids())])) {
      const t = ticks(pid);
      if (t !== undefined) total += t - (this.start.get(pid) ?? 0);
    }
    return total * TICK_MS;
  }
}
