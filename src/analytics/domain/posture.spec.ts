import { emptyCounts, overallPosture, posture, postureScore } from './posture';

describe('compliance posture', () => {
  it('is 100 with nothing open, and falls with the weighted open burden', () => {
    expect(postureScore(0, 0)).toBe(100);
    expect(postureScore(0, 50)).toBe(100);
    // one open low violation, nothing resolved: 100 × (1 − 1/2)
    expect(postureScore(1, 0)).toBe(50);
  });

  it('weighs severities 1/2/5/10 and rounds to one decimal', () => {
    // open: 1 critical + 1 low = 11; resolved: 2 medium = 4; 100 × (1 − 11/16) = 31.25
    const p = posture({
      framework: 'GDPR',
      open: { ...emptyCounts(), critical: 1, low: 1 },
      resolved: { ...emptyCounts(), medium: 2 },
      opened: emptyCounts(),
    });
    expect(p).toMatchObject({ openWeighted: 11, resolvedWeighted: 4, score: 31.3 });
  });

  it('combines frameworks over the summed weights', () => {
    const a = posture({
      framework: 'A',
      open: { ...emptyCounts(), high: 1 },
      resolved: emptyCounts(),
      opened: emptyCounts(),
    });
    const b = posture({
      framework: 'B',
      open: emptyCounts(),
      resolved: { ...emptyCounts(), critical: 1 },
      opened: emptyCounts(),
    });
    // O = 5, R = 10: 100 × (1 − 5/16) = 68.75
    expect(overallPosture([a, b])).toEqual({ score: 68.8, openWeighted: 5, resolvedWeighted: 10 });
  });
});
