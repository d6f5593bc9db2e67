/**
 * CPU seconds used so far by this process and by the database backends of its current database (read
 * from /proc: the benchmarks run the database on the same machine). On a machine shared with other work,
 * CPU time is the stable figure; wall-clock time depends on what else runs.
 */
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';

export interface CpuSeconds {
  node: number;
  db: number;
  /** Per database backend (pid → CPU seconds), to count only what a backend used in between. */
  backends: Map<number, number>;
}

export async function cpuSeconds(ds: DataSource): Promise<CpuSeconds> {
  const used = process.cpuUsage();
  const pids: { pid: number }[] = await ds.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  const backends = new Map<number, number>();
  for (const { pid } of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      backends.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // a backend that just exited, or a database on another machine
    }
  }
  return {
    node: (used.user + used.system) / 1e6,
    db: [...backends.values()].reduce((a, b) => a + b, 0),
    backends,
  };
}

/** CPU seconds used between two readings (backends that came and went in between are not counted). */
export function cpuBetween(before: CpuSeconds, after: CpuSeconds): { node: number; db: number } {
  let db = 0;
  for (const [pid, seconds] of after.backends) db += seconds - (before.backends.get(pid) ?? 0);
  return { node: after.node - before.node, db };
}

export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
