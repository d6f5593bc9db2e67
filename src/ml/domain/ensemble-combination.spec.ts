import { AnomalyEnsemble } from './anomaly-ensemble';
import {
  COMBINATION_RULES,
  combineSurprisals,
  DEFAULT_COMBINATION,
  isCombinationRule,
  LEGACY_COMBINATION,
  MEDIAN_TIE_BREAK,
} from './ensemble-combination';
import { NumericMatrix } from './numeric-matrix';
import { SeededRandom } from './seeded-random';

const s = (p: number) => -Math.log1p(-p); // surprisal of a calibrated score p

describe('combineSurprisals', () => {
  it('computes each rule as documented on one row', () => {
    const row = [s(0.5), s(0.99), s(0.9)];
    const w = [1, 1, 1];
    expect(combineSurprisals('strongest', row, w)).toBeCloseTo(s(0.99), 12);
    expect(combineSurprisals('meanSurprisal', row, w)).toBeCloseTo((s(0.5) + s(0.99) + s(0.9)) / 3, 12);
    expect(combineSurprisals('topTwoSurprisal', row, w)).toBeCloseTo((s(0.99) + s(0.9)) / 2, 12);
    expect(combineSurprisals('medianSurprisal', row, w)).toBeCloseTo(
      s(0.9) + (MEDIAN_TIE_BREAK * s(0.99)) / (1 + s(0.99)),
      12,
    );
    expect(combineSurprisals('rankAverage', row, w)).toBeCloseTo((0.5 + 0.99 + 0.9) / 3, 12);
  });

  it('gives tied rows the same evidence under every rule, whatever the order of the detectors', () => {
    for (const rule of COMBINATION_RULES) {
      const a = combineSurprisals(rule, [1, 2, 3], [1, 1, 1]);
      expect(combineSurprisals(rule, [3, 1, 2], [1, 1, 1])).toBeCloseTo(a, 12);
      expect(combineSurprisals(rule, [2, 2, 2], [1, 1, 1])).toBeCloseTo(
        combineSurprisals(rule, [2, 2, 2], [1, 1, 1]),
        12,
      );
    }
  });

  it('is monotone: a detector growing more surprised never lowers the evidence', () => {
    const random = new SeededRandom(3);
    for (const rule of COMBINATION_RULES) {
      for (let trial = 0; trial < 200; trial++) {
        const row = [0, 1, 2].map(() => random.nextFloat() * 8);
        const before = combineSurprisals(rule, row, [1, 1, 1]);
        row[random.nextInt(3)] += random.nextFloat() * 3;
        expect(combineSurprisals(rule, row, [1, 1, 1])).toBeGreaterThanOrEqual(before - 1e-12);
      }
    }
  });

  it('leaves a detector of weight 0 out entirely', () => {
    for (const rule of COMBINATION_RULES) {
      expect(combineSurprisals(rule, [1, 2, 50], [1, 1, 0])).toBeCloseTo(
        combineSurprisals(rule, [1, 2], [1, 1]),
        12,
      );
    }
    expect(combineSurprisals('meanSurprisal', [1, 2, 3], [0, 0, 0])).toBe(0);
  });

  it('lets one misled detector decide under the strongest rule but not under the median', () => {
    // Two detectors see an ordinary row, one (LOF among duplicated rows, say) is wildly surprised by it.
    const misled = [0.7, 40, 0.8];
    const real = [5, 5.5, 6]; // all three see a real anomaly
    expect(combineSurprisals('strongest', misled, [1, 1, 1])).toBeGreaterThan(
      combineSurprisals('strongest', real, [1, 1, 1]),
    );
    expect(combineSurprisals('medianSurprisal', misled, [1, 1, 1])).toBeLessThan(
      combineSurprisals('medianSurprisal', real, [1, 1, 1]),
    );
  });

  it('keeps the order of the other detectors when one detector is constant', () => {
    // A constant detector (every row at its median) shifts every row's evidence alike under the averaging
    // rules, so the ranking is the one of the other two detectors.
    const random = new SeededRandom(8);
    const rows = Array.from({ length: 50 }, () => [random.nextFloat() * 6, random.nextFloat() * 6]);
    for (const rule of ['meanSurprisal', 'rankAverage'] as const) {
      const withConstant = rows.map(([a, b]) => combineSurprisals(rule, [a, b, Math.LN2], [1, 1, 1]));
      const without = rows.map(([a, b]) => combineSurprisals(rule, [a, b], [1, 1]));
      const order = (values: number[]) => Array.from(values.keys()).sort((i, j) => values[i] - values[j]);
      expect(order(withConstant)).toEqual(order(without));
    }
  });

  it('knows its rule names, and the default differs from the legacy rule old models keep', () => {
    expect(isCombinationRule(DEFAULT_COMBINATION)).toBe(true);
    expect(isCombinationRule('max')).toBe(false);
    expect(LEGACY_COMBINATION).toBe('strongest');
  });
});

describe('AnomalyEnsemble combination', () => {
  const random = new SeededRandom(11);
  const rows = Array.from({ length: 300 }, () => [random.nextNormal(), random.nextNormal(), 5]);
  for (let i = 0; i < 40; i++) rows.push([0.5, 0.5, 5]); // duplicated rows and a constant column
  rows.push([7, -7, 5]);
  const data = NumericMatrix.fromRows(rows);

  it('gives finite risks with duplicated rows and a constant column; the median and rank rules keep the outlier on top', () => {
    // Next to the 40 duplicated rows LOF's density is near infinite, so a row beside them gets an LOF in
    // the billions: 'strongest', 'meanSurprisal' and 'topTwoSurprisal' put that row above the real outlier
    // (measured), the median and the rank average do not.
    for (const combination of ['medianSurprisal', 'rankAverage'] as const) {
      const { trainingScores, trainingSurprisals } = AnomalyEnsemble.train(data, { seed: 1, combination });
      expect(Array.from(trainingScores.ensemble).every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(
        true,
      );
      for (const values of Object.values(trainingSurprisals))
        expect(values.every(Number.isFinite)).toBe(true);
      // the outlier has the highest risk (the risk is a rank, so others may share the top value)
      expect(trainingScores.ensemble[rows.length - 1]).toBe(Math.max(...trainingScores.ensemble));
      // the duplicated rows score alike
      expect(new Set(Array.from(trainingScores.ensemble.subarray(300, 340))).size).toBe(1);
    }
    for (const combination of COMBINATION_RULES) {
      const { trainingScores } = AnomalyEnsemble.train(data, { seed: 1, combination });
      expect(Array.from(trainingScores.ensemble).every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(
        true,
      );
    }
  });

  it('stores its rule, and reads a model stored without one as the legacy rule', () => {
    const model = AnomalyEnsemble.fit(data, { seed: 1 });
    const json = model.toJSON();
    expect(json.combination).toBe(DEFAULT_COMBINATION);
    expect(AnomalyEnsemble.fromJSON(json).combination).toBe(DEFAULT_COMBINATION);
    const { combination: _dropped, ...legacy } = json;
    expect(AnomalyEnsemble.fromJSON(legacy).combination).toBe(LEGACY_COMBINATION);
    expect(() => AnomalyEnsemble.fromJSON({ ...json, combination: 'max' as never })).toThrow(TypeError);
  });

  it('scores new rows with the same rule it was trained with (explain agrees with score)', () => {
    const model = AnomalyEnsemble.fit(data, { seed: 1 });
    const probe = NumericMatrix.fromRows([
      [0, 0, 5],
      [3, 3, 5],
      [0.5, 0.5, 5],
    ]);
    const batch = model.score(probe);
    for (let r = 0; r < probe.rowCount; r++)
      expect(model.explain(probe.row(r)).risk).toBeCloseTo(batch[r], 12);
  });
});
