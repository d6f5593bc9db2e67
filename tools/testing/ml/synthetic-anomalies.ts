import { NumericMatrix } from '../../../src/ml/domain/numeric-matrix';
import { SeededRandom } from '../../../src/ml/domain/seeded-random';

/** The kinds of anomaly that the three detectors are each good and bad at. */
export type AnomalyKind = 'global' | 'local' | 'singleFactor' | 'denseCluster';

export interface SyntheticAnomalySet {
  data: NumericMatrix;
  /** 1 for an injected anomaly, 0 for an ordinary row, per row. */
  labels: Uint8Array;
  kinds: (AnomalyKind | 'normal')[];
}

export interface SyntheticAnomalyOptions {
  seed?: number;
  columnCount?: number;
  /** Rows in the broad main population, N(0, 1) in every column. */
  broadRows?: number;
  /** Rows in a tight second population, N(6, 0.3²) in every column. */
  tightRows?: number;
  /** Injected anomalies of each kind. */
  anomalies?: Partial<Record<AnomalyKind, number>>;
}

/**
 * A labelled data set with known answers, for tests and for sanity checks of a trained model: two normal
 * populations (a broad one and a tight one) and four kinds of anomaly, each hard for at least one detector:
 *  - global: uniform over a box much wider than the data (every detector sees these);
 *  - local: just outside the tight population, closer to it than broad rows are to each other
 *    (LOF sees them; global methods barely);
 *  - singleFactor: ordinary except one factor at 5–7 standard deviations (the z-score and the forest see
 *    them; LOF less, the distance is diluted over the other factors);
 *  - denseCluster: a group of near-identical rows far away, larger than LOF's k, so they are each other's
 *    dense neighbourhood (LOF misses them; the forest and the z-score do not).
 * Rows come shuffled, so position says nothing.
 */
export function syntheticAnomalySet(options: SyntheticAnomalyOptions = {}): SyntheticAnomalySet {
  const random = new SeededRandom(options.seed ?? 1);
  const columns = options.columnCount ?? 6;
  const counts: Record<AnomalyKind, number> = {
    global: 10,
    local: 10,
    singleFactor: 10,
    denseCluster: 25,
    ...options.anomalies,
  };
  const rows: { values: number[]; kind: AnomalyKind | 'normal' }[] = [];
  const normalRow = (centre: number, spread: number) =>
    Array.from({ length: columns }, () => centre + spread * random.nextNormal());

  for (let i = 0; i < (options.broadRows ?? 1500); i++)
    rows.push({ values: normalRow(0, 1), kind: 'normal' });
  for (let i = 0; i < (options.tightRows ?? 500); i++)
    rows.push({ values: normalRow(6, 0.3), kind: 'normal' });
  for (let i = 0; i < counts.global; i++) {
    rows.push({
      values: Array.from({ length: columns }, () => -8 + 20 * random.nextFloat()),
      kind: 'global',
    });
  }
  for (let i = 0; i < counts.local; i++) {
    const values = normalRow(6, 0.3).map((value) => value + (random.nextFloat() < 0.5 ? -1.2 : 1.2));
    rows.push({ values, kind: 'local' });
  }
  for (let i = 0; i < counts.singleFactor; i++) {
    const values = normalRow(0, 1);
    values[random.nextInt(columns)] = (random.nextFloat() < 0.5 ? -1 : 1) * (5 + 2 * random.nextFloat());
    rows.push({ values, kind: 'singleFactor' });
  }
  const clusterCentre = Array.from({ length: columns }, () => -5 + random.nextFloat());
  for (let i = 0; i < counts.denseCluster; i++) {
    rows.push({
      values: clusterCentre.map((centre) => centre + 0.05 * random.nextNormal()),
      kind: 'denseCluster',
    });
  }

  for (let i = rows.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return {
    data: NumericMatrix.fromRows(rows.map((row) => row.values)),
    labels: Uint8Array.from(rows, (row) => (row.kind === 'normal' ? 0 : 1)),
    kinds: rows.map((row) => row.kind),
  };
}
