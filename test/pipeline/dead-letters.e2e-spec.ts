import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { DeadLetters } from '../../src/pipeline/dead-letters.service';
import { PipelineBatchesRepository } from '../../src/pipeline/persistence/pipeline-batches.repository';
import type { StageQueues } from '../../src/pipeline/stage-queues.service';
import type { AuditLog } from '../../src/security/audit/audit-log.service';
import type { RequestContext } from '../../src/security/principal';
import { TEST_DATABASE_URL } from '../support/test-database';

// The dead-letter operations against the real table, without queues: the stage queues are not
// reached by list and discard, and the dead-letter queue holds no job for these batches.
describe('dead letters (list and discard) over pipeline_batches', () => {
  let ds: DataSource;
  let deadLetters: DeadLetters;
  const audited: unknown[] = [];
  const ctx = { principal: { kind: 'user', userId: randomUUID(), roles: [] }, requestId: 'r', ip: '127.0.0.1' } as unknown as RequestContext;

  beforeAll(async () => {
    ds = new DataSource({ ...typeormOptions(TEST_DATABASE_URL, 2), logging: false });
    await ds.initialize();
    deadLetters = new DeadLetters(
      new PipelineBatchesRepository(ds),
      {} as StageQueues,
      { append: async (entry: unknown) => void audited.push(entry) } as unknown as AuditLog,
      { getJob: async () => undefined } as unknown as Queue,
    );
  });
  const created: string[] = [];
  // The batches are this file's own: other files count dead batches in the same database.
  afterAll(async () => {
    await ds.query(`DELETE FROM pipeline_batches WHERE batch_id = ANY($1::uuid[])`, [created]);
    await ds.destroy();
  });

  async function deadBatch(stage: string, error: string): Promise<string> {
    const id = randomUUID();
    created.push(id);
    await ds.query(
      `INSERT INTO pipeline_batches (batch_id, event_count, stage, status, last_error, redrive_count, created_at)
       VALUES ($1, 7, $2, 'dead', $3, 2, now() - interval '1 minute')`,
      [id, stage, error],
    );
    return id;
  }

  it('lists dead batches with their stage, size, error, age and re-drives', async () => {
    const a = await deadBatch('ml', 'boom a');
    const b = await deadBatch('alerting', 'boom b');
    const page = await deadLetters.list(10_000, 0);
    expect(page.total).toBeGreaterThanOrEqual(2);
    const mine = page.items.filter((item) => item.batchId === a || item.batchId === b);
    expect(mine).toEqual(
      expect.arrayContaining([
        { batchId: a, stage: 'ml', eventCount: 7, error: 'boom a', createdAt: expect.any(Date), redriveCount: 2 },
        { batchId: b, stage: 'alerting', eventCount: 7, error: 'boom b', createdAt: expect.any(Date), redriveCount: 2 },
      ]),
    );
  });

  it('discards a dead batch once, records who did, and refuses one that is not dead', async () => {
    const id = await deadBatch('compliance', 'boom');
    await expect(deadLetters.discard(id, ctx)).resolves.toEqual({ batchId: id, discarded: true });
    const [row] = await ds.query(`SELECT status, discarded_by FROM pipeline_batches WHERE batch_id = $1`, [id]);
    expect(row).toEqual({ status: 'discarded', discarded_by: (ctx.principal as { userId: string }).userId });
    expect(audited).toContainEqual(expect.objectContaining({ action: 'pipeline.dead_letter.discarded', targetId: id, details: { stage: 'compliance' } }));
    await expect(deadLetters.discard(id, ctx)).resolves.toEqual({ batchId: id, discarded: false });

    const queued = randomUUID();
    await ds.query(`INSERT INTO pipeline_batches (batch_id, event_count, stage, status) VALUES ($1, 1, 'ml', 'queued')`, [queued]);
    await expect(deadLetters.discard(queued, ctx)).rejects.toBeInstanceOf(ConflictException);
    await expect(deadLetters.discard(randomUUID(), ctx)).rejects.toBeInstanceOf(NotFoundException);
  });
});
