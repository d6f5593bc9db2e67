/**
 * A model trained on what the cold-start stage stored (the highest-risk state of each viewer per snapshot
 * interval) must rank another run's viewers well: the cold-start risk has to keep ordinary viewers'
 * states in order, or the stored snapshots are each interval's first, emptiest state and the model
 * learns nothing (ensemble ROC-AUC 0.40 on ten-minute runs when the cold-start risk was 0 for them all).
 */
import { evaluateOutOfSample } from './out-of-sample';

describe('out of sample: trained on one simulator run, evaluated on another', () => {
  const run = { users: 1000, rate: 250, durationS: 300 };
  const report = evaluateOutOfSample({ seed: 1, ...run }, { seed: 2, ...run });

  it('ranks the other run’s scenario viewers above its clean ones', () => {
    expect(report.positives).toBeGreaterThan(20);
    expect(report.scorers.ensemble.rocAuc).toBeGreaterThan(0.9);
    expect(report.scorers.ensemble.averagePrecision).toBeGreaterThan(0.5);
  });
});
