import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMBINATION_RULES } from '../../src/ml/domain/ensemble-combination';
import { syntheticAnomalySet } from '../testing/ml/synthetic-anomalies';
import { evaluateRobustness, labelledSetsIn, meetsBar, RobustnessRow } from './robustness';

describe('combination robustness evaluation', () => {
  it('reads labelled CSVs, counts duplicates and constant columns, and scores every rule', () => {
    const folder = mkdtempSync(join(tmpdir(), 'robustness-'));
    try {
      const { data, labels } = syntheticAnomalySet({ seed: 3, broadRows: 300, tightRows: 100 });
      const lines = ['a,b,c,d,e,f,constant,label'];
      for (let r = 0; r < data.rowCount; r++) lines.push(`${data.row(r).join(',')},7,${labels[r]}`);
      lines.push(`${data.row(0).join(',')},7,${labels[0]}`); // one duplicated row
      writeFileSync(join(folder, 'mixed.csv'), lines.join('\n') + '\n');
      const [set] = labelledSetsIn(folder);
      expect(set.name).toBe('mixed');
      expect(set.data.columnCount).toBe(7);
      expect(set.duplicateRows).toBe(1);
      expect(set.constantColumns).toBe(1);
      expect(set.labels.reduce((sum, l) => sum + l, 0)).toBe(
        labels.reduce((sum, l) => sum + l, 0) + labels[0],
      );

      const row = evaluateRobustness(set, 1);
      expect(row.finite).toBe(true);
      for (const rule of COMBINATION_RULES) expect(row.rules[rule]).toBeGreaterThan(0.7);
      expect(row.detectors.isolationForest).toBeGreaterThan(0.7);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('applies the bar: within 0.01 of the rank average and within 0.02 of the best detector', () => {
    const row = (ensemble: number): RobustnessRow =>
      ({
        detectors: { isolationForest: 0.9, localOutlierFactor: 0.6, robustZScore: 0.85 },
        rankAverage: 0.88,
        rules: { medianSurprisal: ensemble },
      }) as unknown as RobustnessRow;
    expect(meetsBar(row(0.885), 'medianSurprisal')).toBe(true);
    expect(meetsBar(row(0.875), 'medianSurprisal')).toBe(false); // 0.025 below the forest
    expect(meetsBar(row(0.95), 'medianSurprisal')).toBe(true);
  });
});
