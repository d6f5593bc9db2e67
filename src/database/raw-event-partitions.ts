import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;

/**
 * raw_events is partitioned by UTC day. Partitions are created ahead by a scheduled job and on
 * demand for any day a batch touches (late or back-filled events), and dropped past retention.
 */
@Injectable()
export class RawEventPartitions {
  /** Days known to have a partition in this process: saves a round trip per batch. */
  private readonly known = new Set<string>();

  constructor(private readonly dataSource: DataSource) {}

  async ensureAhead(daysAhead: number, now = new Date()): Promise<number> {
    const from = utcDay(new Date(now.getTime() - DAY_MS));
    const to = utcDay(new Date(now.getTime() + daysAhead * DAY_MS));
    return this.ensureRange(from, to);
  }

  /** Makes sure every day covered by these instants has a partition. */
  async ensureFor(instants: Date[]): Promise<void> {
    const missing = [...new Set(instants.map(utcDay))].filter((day) => !this.known.has(day));
    for (const day of missing) {
      await this.ensureRange(day, day);
      this.known.add(day);
    }
  }

  async dropBefore(cutoff: Date): Promise<number> {
    const [{ dropped }] = await this.dataSource.query(
      'SELECT drop_raw_event_partitions_before($1::date) AS dropped',
      [utcDay(cutoff)],
    );
    this.known.clear();
    return Number(dropped);
  }

  async list(): Promise<string[]> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'raw_events' ORDER BY c.relname`,
    );
    return rows.map((row) => row.name);
  }

  private async ensureRange(from: string, to: string, attempt = 1): Promise<number> {
    try {
      const [{ created }] = await this.dataSource.query(
        'SELECT ensure_raw_event_partitions($1::date, $2::date) AS created',
        [from, to],
      );
      return Number(created);
    } catch (error) {
      // Another process created the same partition a moment earlier: look again.
      const code = (error as { code?: string }).code;
      if (attempt < 3 && (code === '42P07' || code === '23505')) return this.ensureRange(from, to, attempt + 1);
      throw error;
    }
  }
}

export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
