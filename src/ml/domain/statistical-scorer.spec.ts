import { normalUpperTail, StatisticalScorer } from './statistical-scorer';
import type { RiskFactors } from './risk-factors';

const quiet: RiskFactors = {
  consentChurn: 0,
  complianceFindings: 0,
  dataAccess: 0,
  authFailures: 0,
  geoMovement: 0,
  errorRate: 0,
};

describe('StatisticalScorer (robust z-score on documented priors)', () => {
  it('knows the normal tail', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(3)).toBeCloseTo(0.0013499, 6);
    expect(normalUpperTail(6) / 9.8659e-10).toBeCloseTo(1, 4);
  });

  it('gives an ordinary viewer no risk and a viewer far outside one prior a risk near 1, explained by that factor', () => {
    const scorer = new StatisticalScorer();
    expect(scorer.score(quiet).risk).toBe(0);
    const attacked = scorer.score({ ...quiet, authFailures: 6 });
    expect(attacked.risk).toBeGreaterThan(0.999);
    const top = [...attacked.factors].sort((a, b) => b.share - a.share)[0];
    expect(top.factor).toBe('authFailures');
    expect(attacked.factors.reduce((sum, f) => sum + f.contribution, 0)).toBeCloseTo(attacked.risk, 12);
  });

  it('puts z_max ≈ 2.63 at risk 0.95 and 3.14 at 0.99 (one minus the family-wise p-value over six factors)', () => {
    const scorer = new StatisticalScorer();
    expect(scorer.score({ ...quiet, authFailures: 2.63 }).risk).toBeCloseTo(0.95, 3);
    expect(scorer.score({ ...quiet, errorRate: 0.314 }).risk).toBeCloseTo(0.99, 3);
    expect(scorer.score({ ...quiet, authFailures: 1 }).risk).toBeLessThan(0.2);
  });
});
