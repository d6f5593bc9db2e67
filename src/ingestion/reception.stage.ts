import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions';
import { HandlesStage, StageHandler } from '../pipeline/stage-handler';
import { MemoCache } from '../common/domain/memo-cache';
import { pipelineMetrics } from '../metrics/pipeline-metrics';
import { AttackMatch, AttackPatternDetector, sanitizeForDisplay } from '../security/domain/attack-patterns';
import type { IngestedEvent } from './domain/event-payloads';
import { freeTextFields, normaliseEvent, NormalisedEvent } from './domain/event-normaliser';
import { ProcessedEventsRepository, type SecurityFindingRow } from './persistence/processed-events.repository';

/**
 * Stage 1: normalise (UTC time, country, IP prefix, user agent → device/OS/browser), scan free
 * text for attack patterns, and persist processed events and security findings. Keyed by
 * event id and finding key, so running a batch twice writes nothing twice.
 */
@Injectable()
@HandlesStage('reception')
export class ReceptionStage implements StageHandler {
  /** Titles, genres and user agents repeat across events: scan each distinct text once. */
  private readonly scans = new MemoCache<AttackMatch[]>(20_000);

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ProcessedEventsRepository,
    private readonly detector: AttackPatternDetector,
  ) {}

  async handle(batchId: string): Promise<void> {
    const raw = await this.repository.readBatchPayloads(batchId);
    const events = raw.map((row) => normaliseEvent(row.payload, row.received_at));
    const findings = raw.flatMap((row, i) => this.scan(row.payload, events[i]));
    await this.transactions.run(async (tx) => {
      await this.repository.insertProcessed(tx, events);
      await this.repository.insertSecurityFindings(tx, findings);
    });
    for (const finding of findings) pipelineMetrics.findings.inc({ kind: 'security', framework: 'SECURITY', severity: finding.severity });
  }

  private scan(event: IngestedEvent, normalised: NormalisedEvent): SecurityFindingRow[] {
    const matches = freeTextFields(event).flatMap(({ field, value }) =>
      this.scans.get(value, (text) => this.detector.scan(text)).map((match) => ({ ...match, field })),
    );
    return matches.map((match) => ({
      dedupKey: `security:${event.eventId}:${match.patternId}:${match.field}`,
      eventId: event.eventId,
      userId: normalised.userId,
      ruleId: match.patternId,
      reference: match.category,
      severity: match.severity,
      explanation: `Field ${match.field} of this ${event.type} event carries a ${match.category} pattern (${match.patternId}): "${sanitizeForDisplay(match.excerpt)}".`,
      details: { field: match.field, category: match.category, excerpt: sanitizeForDisplay(match.excerpt) },
      occurredAt: normalised.occurredAt,
    }));
  }
}
