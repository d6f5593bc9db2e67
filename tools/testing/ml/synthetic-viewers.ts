import { FACTOR_NAMES } from '../../../src/ml/domain/risk-factors';
import { SeededRandom } from '../../../src/ml/domain/seeded-random';

export type SyntheticViewerKind =
  'ordinary' | 'credentialAttack' | 'insiderAccess' | 'impossibleTravel' | 'consentFlipFlop';

export interface SyntheticViewerRows {
  /** raw factors, FACTOR_NAMES order, row-major */
  values: Float64Array;
  rowCount: number;
  kinds: SyntheticViewerKind[];
}

/**
 * Raw factor rows shaped like a streaming platform's viewers, for tests and benchmarks: most factors zero
 * most of the time (zero-inflated, long-tailed counts), an error rate around 2%, and a share of
 * anomalous viewers of four kinds, each pushing one or two factors far out.
 */
export function syntheticViewerRows(rowCount: number, seed = 1, anomalyShare = 0.01): SyntheticViewerRows {
  const random = new SeededRandom(seed);
  const width = FACTOR_NAMES.length;
  const values = new Float64Array(rowCount * width);
  const kinds: SyntheticViewerKind[] = [];
  const count = (p: number, mean: number) =>
    random.nextFloat() < p ? -Math.log(1 - random.nextFloat()) * mean : 0;
  const anomalies: SyntheticViewerKind[] = [
    'credentialAttack',
    'insiderAccess',
    'impossibleTravel',
    'consentFlipFlop',
  ];
  for (let r = 0; r < rowCount; r++) {
    const o = r * width;
    values[o] = count(0.05, 0.8); // consent churn
    values[o + 1] = count(0.03, 1); // compliance findings
    values[o + 2] = count(0.08, 1.5); // data access by staff
    values[o + 3] = count(0.06, 0.7); // failed logins
    values[o + 4] = count(0.04, 0.6); // geographic movement
    values[o + 5] = Math.min(1, count(0.5, 0.03)); // error rate
    let kind: SyntheticViewerKind = 'ordinary';
    if (random.nextFloat() < anomalyShare) {
      kind = anomalies[random.nextInt(anomalies.length)];
      if (kind === 'credentialAttack') values[o + 3] = 8 + 20 * random.nextFloat();
      if (kind === 'insiderAccess') values[o + 2] = 15 + 40 * random.nextFloat();
      if (kind === 'impossibleTravel') values[o + 4] = 6 + 10 * random.nextFloat();
      if (kind === 'consentFlipFlop') {
        values[o] = 6 + 10 * random.nextFloat();
        values[o + 1] = 2 + 3 * random.nextFloat();
      }
    }
    kinds.push(kind);
  }
  return { values, rowCount, kinds };
}
