import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Sql } from '../../database/sql';

/** ml_labels: ground truth about viewers (from training requests' sources and case officers' feedback). */
@Injectable()
export class MlLabelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    label: { userId: string; label: string; source: string; violationId: string | null },
    sql: Sql = this.dataSource,
  ): Promise<void> {
    await sql.query(`INSERT INTO ml_labels (user_id, label, source, violation_id) VALUES ($1, $2, $3, $4)`, [
      label.userId,
      label.label,
      label.source,
      label.violationId,
    ]);
  }

  /**
   * The latest label of every labelled viewer. A label tied to a violation counts only when the
   * violation was an anomaly (kind 'ml'): a compliance rule's false positive says nothing about whether
   * the viewer behaved unusually.
   */
  latestPerViewer(sql: Sql = this.dataSource): Promise<{ user_id: string; label: string }[]> {
    return sql.query(
      `SELECT DISTINCT ON (l.user_id) l.user_id, l.label
         FROM ml_labels l LEFT JOIN violations v ON v.id = l.violation_id
        WHERE l.user_id IS NOT NULL AND l.label IS NOT NULL AND (l.violation_id IS NULL OR v.kind = 'ml')
        ORDER BY l.user_id, l.created_at DESC`,
    );
  }
}
