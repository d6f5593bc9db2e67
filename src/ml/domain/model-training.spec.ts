import { AnomalyEnsemble } from './anomaly-ensemble';
import { evaluateOnLabels, LabelledSnapshot, MIN_TRAINING_ROWS, trainRiskModel } from './model-training';
import { NumericMatrix } from './numeric-matrix';
import { FACTOR_NAMES, FEATURE_TRANSFORM } from './risk-factors';
import { syntheticViewerRows } from '../../../tools/testing/ml/synthetic-viewers';
import { EnsembleViewerScorer } from './viewer-scorer';

describe('risk model training and evaluation', () => {
  const rows = syntheticViewerRows(3000, 11, 0.02);
  const data = new NumericMatrix(rows.rowCount, FACTOR_NAMES.length, rows.values);
  const training = trainRiskModel(data, { seed: 3, treeCount: 50 });

  it('trains the ensemble on raw factor rows, recording parameters and the training distribution', () => {
    expect(training.parameters).toMatchObject({
      seed: 3,
      treeCount: 50,
      featureTransform: FEATURE_TRANSFORM,
      factorNames: [...FACTOR_NAMES],
    });
    expect(Object.keys(training.reference)).toEqual([...FACTOR_NAMES]);
    expect(() => trainRiskModel(NumericMatrix.zeros(MIN_TRAINING_ROWS - 1, 6), {})).toThrow(RangeError);
  });

  it('is reproducible from rows and seed', () => {
    const again = trainRiskModel(data, { seed: 3, treeCount: 50 });
    expect(JSON.stringify(again.artifact)).toBe(JSON.stringify(training.artifact));
  });

  it('evaluates each detector, the ensemble and the priors per viewer, on their worst snapshot', () => {
    const snapshots: LabelledSnapshot[] = [];
    const labels = new Map<string, 0 | 1>();
    for (let r = 0; r < rows.rowCount; r++) {
      const userId = `v-${r}`;
      const factors = rows.values.slice(r * 6, r * 6 + 6);
      snapshots.push({ userId, factors });
      // every viewer also has a quiet snapshot: the viewer's score is their worst moment
      snapshots.push({ userId, factors: [0, 0, 0, 0, 0, 0.02] });
      labels.set(userId, rows.kinds[r] === 'ordinary' ? 0 : 1);
    }
    labels.set('v-unseen', 0);
    const evaluation = evaluateOnLabels(training.model, snapshots, labels, 0.95);
    expect(evaluation.viewers).toEqual({
      positive: rows.kinds.filter((k) => k !== 'ordinary').length,
      negative: rows.kinds.filter((k) => k === 'ordinary').length,
      withoutSnapshots: 1,
    });
    expect(Object.keys(evaluation.scorers).sort()).toEqual([
      'ensemble',
      'isolationForest',
      'localOutlierFactor',
      'robustZScore',
      'statistical',
    ]);
    expect(evaluation.scorers.ensemble.rocAuc).toBeGreaterThan(0.97);
    expect(evaluation.scorers.ensemble.recall).toBeGreaterThan(0.8);
    expect(evaluation.scorers.statistical.rocAuc).toBeGreaterThan(0.9);
    for (const metrics of Object.values(evaluation.scorers)) {
      expect(metrics.truePositives + metrics.falseNegatives).toBe(evaluation.viewers.positive);
    }
  });

  it('reports undefined ranking metrics (null) when labels hold one class only', () => {
    const evaluation = evaluateOnLabels(
      training.model,
      [{ userId: 'a', factors: [0, 0, 0, 9, 0, 0] }],
      new Map([['a', 1]]),
      0.95,
    );
    expect(evaluation.scorers.ensemble.rocAuc).toBeNull();
    expect(evaluation.scorers.ensemble.recall).toBe(1);
  });

  it('loads back as the stage scorer, refusing a model of other features', () => {
    const scorer = EnsembleViewerScorer.fromArtifact(7, training.artifact, FEATURE_TRANSFORM);
    const score = scorer.score({
      consentChurn: 0,
      complianceFindings: 0,
      dataAccess: 0,
      authFailures: 25,
      geoMovement: 0,
      errorRate: 0.02,
    });
    // The training rows hold 2% anomalies: an extreme viewer ranks among them, above the 0.95 threshold.
    expect(score.risk).toBeGreaterThan(0.95);
    expect(score.contributions.map((c) => c.factor)).toEqual([...FACTOR_NAMES]);
    expect(scorer.ruleVersion).toBe('7');
    expect(() => EnsembleViewerScorer.fromArtifact(7, training.artifact, 'raw/v0')).toThrow(
      /expects features/,
    );
    const other = AnomalyEnsemble.fit(
      NumericMatrix.fromRows([
        [1, 2],
        [2, 1],
        [3, 3],
      ]),
      { factorNames: ['a', 'b'] },
    ).toJSON();
    expect(() => EnsembleViewerScorer.fromArtifact(8, other, FEATURE_TRANSFORM)).toThrow(
      /trained on factors/,
    );
  });
});
