import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { MlLabelsRepository } from '../persistence/ml-labels.repository';

/** ml_labels values read as "this viewer was anomalous" / "this viewer was not". Others are ignored. */
export const POSITIVE_LABELS = ['anomaly', 'positive', 'true_positive', 'confirmed'] as const;
export const NEGATIVE_LABELS = ['normal', 'negative', 'false_positive'] as const;
export type FeedbackLabel = (typeof POSITIVE_LABELS)[number] | (typeof NEGATIVE_LABELS)[number];

export function labelValue(label: string): 0 | 1 | undefined {
  if ((POSITIVE_LABELS as readonly string[]).includes(label)) return 1;
  if ((NEGATIVE_LABELS as readonly string[]).includes(label)) return 0;
  return undefined;
}

/**
 * Ground truth for evaluating models, beyond what a training request brings: labels recorded as feedback
 * (a case officer marking an anomaly violation a false positive becomes a negative label). Exported,
 * through MlFeedbackModule, for the violations module: ml_labels is written by the ML module alone.
 */
@Injectable()
export class MlFeedback {
  constructor(private readonly labels: MlLabelsRepository) {}

  /**
   * A case officer's verdict on a violation of this viewer (a false positive is a negative label),
   * written in the caller's transaction so that it commits with the case change or not at all.
   */
  async recordCaseVerdict(
    sql: Sql,
    verdict: { userId: string; violationId: string; label: FeedbackLabel },
  ): Promise<void> {
    if (labelValue(verdict.label) === undefined) throw new RangeError(`unknown label "${verdict.label}"`);
    await this.labels.insert(
      { userId: verdict.userId, label: verdict.label, source: 'case_review', violationId: verdict.violationId },
      sql,
    );
  }

  /**
   * The latest usable label of every labelled viewer. A label tied to a violation counts only when the
   * violation was an anomaly (kind 'ml'): a compliance rule's false positive says nothing about whether
   * the viewer behaved unusually.
   */
  async storedLabels(): Promise<Map<string, 0 | 1>> {
    const rows = await this.labels.latestPerViewer();
    const labels = new Map<string, 0 | 1>();
    for (const row of rows) {
      const value = labelValue(row.label);
      if (value !== undefined) labels.set(row.user_id, value);
    }
    return labels;
  }
}
