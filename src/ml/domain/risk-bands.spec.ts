import { riskThresholds, riskTier } from './risk-bands';

describe('riskTier', () => {
  const thresholds = riskThresholds(0.95);

  it('places a risk in the tier whose threshold it reaches', () => {
    expect(riskTier(0.5, thresholds)).toBe('low');
    expect(riskTier(0.8, thresholds)).toBe('medium');
    expect(riskTier(0.95, thresholds)).toBe('high');
    expect(riskTier(0.99, thresholds)).toBe('critical');
    expect(riskTier(1, thresholds)).toBe('critical');
  });

  it('caps the tier at the scorer confidence, whatever the risk', () => {
    expect(riskTier(1, thresholds, 'high')).toBe('high');
    expect(riskTier(0.995, thresholds, 'high')).toBe('high');
    expect(riskTier(1, thresholds, 'medium')).toBe('medium');
  });

  it('never raises a tier: below the cap the risk decides', () => {
    expect(riskTier(0.96, thresholds, 'high')).toBe('high');
    expect(riskTier(0.85, thresholds, 'high')).toBe('medium');
    expect(riskTier(0.1, thresholds, 'high')).toBe('low');
    expect(riskTier(0.1, thresholds, 'critical')).toBe('low');
  });

  it('keeps the full range without a cap (a trained model)', () => {
    expect(riskTier(0.999, thresholds, 'critical')).toBe('critical');
  });
});
