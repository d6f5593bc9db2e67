/**
 * CPU time of named processes, read from /proc, so a benchmark can print CPU per event per process:
 * a figure that compares across machines and survives a busy neighbour better than a rate does.
 */
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux x86_64 and arm64

/** utime + stime of one process, in seconds; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it start past the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Processes whose command line matches a pattern (PostgreSQL's background processes, say). */
export function processesNamed(pattern: RegExp): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (pattern.test(cmdline)) pids.push(Number(entry));
    } catch {
      // the process ended while we listed it
    }
  }
  return pids;
}

/**
 * A group of processes whose CPU is summed. `list` is asked again at every reading so that a
 * group whose members come and go (PostgreSQL backends of one database) is followed; a member that
 * ended between two readings loses its last interval, which only makes the figure lower.
 */
export interface CpuGroup {
  name: string;
  list: () => number[] | Promise<number[]>;
}

export type CpuReading = Map<string, Map<number, number>>;

export async function readCpu(groups: CpuGroup[]): Promise<CpuReading> {
  const reading: CpuReading = new Map();
  for (const group of groups) {
    const members = new Map<number, number>();
    for (const pid of await group.list()) members.set(pid, cpuSeconds(pid));
    reading.set(group.name, members);
  }
  return reading;
}

/** CPU seconds each group spent between two readings (members present in the later one). */
export function cpuBetween(before: CpuReading, after: CpuReading): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [name, members] of after) {
    let total = 0;
    for (const [pid, seconds] of members) total += seconds - (before.get(name)?.get(pid) ?? 0);
    spent.set(name, total);
  }
  return spent;
}
