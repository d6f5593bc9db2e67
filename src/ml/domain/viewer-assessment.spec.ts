import { viewerUpdates } from './factor-updates';
import { FactorState, HOUR_MS, RiskFactors } from './risk-factors';
import { assessViewers, MIN_EVIDENCE_EVENTS } from './viewer-assessment';
import { StatisticalViewerScorer, ViewerScorer } from './viewer-scorer';

const T0 = Date.UTC(2026, 2, 1, 12, 30);

function stateWith(counters: Partial<FactorState['counters']>, distinctCountries = 1): FactorState {
  return {
    asOfMs: T0,
    counters: {
      authFailures: 0,
      errors: 0,
      events: 10,
      consentChurn: 0,
      complianceFindings: 0,
      dataAccess: 0,
      travel: 0,
      ...counters,
    },
    distinctCountries,
  };
}

const update = (userId: string) =>
  viewerUpdates([
    {
      eventId: '00000000-0000-4000-8000-000000000001',
      userId,
      type: 'auth.login.failed',
      actorType: 'viewer',
      country: 'DE',
      atMs: T0,
      purpose: null,
      complianceFindings: 0,
    },
  ])[0];

/** A cold-start scorer that has already seen a hundred ordinary viewers. */
function populatedScorer(): StatisticalViewerScorer {
  const scorer = new StatisticalViewerScorer({ minViewers: 50 });
  for (let i = 0; i < 100; i++) {
    const ordinary: RiskFactors = {
      consentChurn: i % 10 === 0 ? 1 : 0,
      complianceFindings: 0,
      dataAccess: i % 5,
      authFailures: i % 10 === 3 ? 1 : 0,
      geoMovement: i % 20 === 7 ? 1 : 0,
      errorRate: (i % 7) * 0.01,
    };
    scorer.observe(`ordinary-${i}`, ordinary);
  }
  return scorer;
}

describe('assessViewers', () => {
  const scorer = populatedScorer();

  it('scores, tiers and segments every viewer, and raises a finding only at or above the threshold', () => {
    const [calm, attacked] = assessViewers(
      [update('v-calm'), update('v-attacked')],
      [
        { state: stateWith({}), boundaryTravelKmh: null },
        { state: stateWith({ authFailures: 20 }), boundaryTravelKmh: null },
      ],
      scorer,
      0.95,
    );
    expect(calm).toMatchObject({
      userId: 'v-calm',
      tier: 'low',
      segment: 'typical',
      finding: null,
      modelVersion: null,
      detector: 'statistical',
    });
    // far out (risk ~1), but the cold-start scorer's confidence caps the tier as it caps the finding
    expect(attacked.score.risk).toBeGreaterThanOrEqual(0.99);
    expect(attacked.tier).toBe('high');
    expect(attacked.segment).toBe('credential_attack_target');
    expect(attacked.finding).toMatchObject({
      userId: 'v-attacked',
      ruleVersion: 'statistical',
      // a cold-start finding is never critical, however far out
      severity: 'high',
      eventId: '00000000-0000-4000-8000-000000000001',
      evidenceEventIds: ['00000000-0000-4000-8000-000000000001'],
      dedupKey: `ml:v-attacked:statistical:${Math.floor(T0 / HOUR_MS)}:high`,
    });
    expect(attacked.finding!.explanation).toContain('20 failed logins in the last hour');
    expect(attacked.finding!.explanation).toContain('against the population of viewers seen so far');
    expect(attacked.finding!.details).toMatchObject({
      risk: attacked.score.risk,
      severityCap: 'high',
      topFactors: ['authFailures'],
    });
    // no riskScore: the violation stage would raise the case to critical on it
    expect(attacked.finding!.details).not.toHaveProperty('riskScore');
    expect(attacked.finding!.details).not.toHaveProperty('score');
  });

  it('lets a trained model (full confidence) put a viewer in the critical tier', () => {
    const trained: ViewerScorer = {
      modelVersion: 7,
      detector: 'ensemble',
      ruleVersion: '7',
      maxSeverity: 'critical',
      score: () => ({ risk: 0.999, contributions: [{ factor: 'authFailures', share: 1, contribution: 1 }] }),
    };
    const [assessment] = assessViewers(
      [update('v-model')],
      [{ state: stateWith({ authFailures: 20 }), boundaryTravelKmh: null }],
      trained,
      0.95,
    );
    expect(assessment.tier).toBe('critical');
    expect(assessment.finding).toMatchObject({ severity: 'critical', details: { tier: 'critical' } });
  });

  it('names an impossible jump in the explanation of geographic movement', () => {
    const [assessment] = assessViewers(
      [update('v-travel')],
      [{ state: stateWith({ travel: 20 }, 3), boundaryTravelKmh: 42_000 }],
      scorer,
      0.95,
    );
    expect(assessment.details.fastestTravelKmh).toBe(42_000);
    expect(assessment.finding!.explanation).toContain('3 countries in 24 h, an implied 42,000 km/h jump');
  });

  it('ranks a count against the population: what most viewers do is no finding, however high a prior would rate it', () => {
    const busy = new StatisticalViewerScorer({ minViewers: 50 });
    // Every viewer of this platform gets its data read by services a few times a day.
    for (let i = 0; i < 100; i++) busy.observe(`busy-${i}`, { ...stateFactors(), dataAccess: 6 + (i % 4) });
    const [ordinary, outlier] = assessViewers(
      [update('v-ordinary'), update('v-outlier')],
      [
        { state: stateWith({ dataAccess: 9 }), boundaryTravelKmh: null },
        { state: stateWith({ dataAccess: 60 }), boundaryTravelKmh: null },
      ],
      busy,
      0.95,
    );
    expect(ordinary.finding).toBeNull();
    expect(ordinary.score.risk).toBeLessThan(0.5);
    expect(outlier.finding).not.toBeNull();
    expect(outlier.finding!.details).toMatchObject({ topFactors: ['dataAccess'] });
  });

  it('judges nobody before the population is large enough, and no viewer with too little evidence', () => {
    const young = new StatisticalViewerScorer({ minViewers: 50 });
    const [early] = assessViewers(
      [update('v-early')],
      [{ state: stateWith({ authFailures: 50 }), boundaryTravelKmh: null }],
      young,
      0.95,
    );
    expect(early.finding).toBeNull();
    expect(early.score).toMatchObject({ risk: 0, conclusive: false });
    expect(young.population.size).toBe(1);

    const seasoned = populatedScorer();
    const [thin, enough] = assessViewers(
      [update('v-thin'), update('v-enough')],
      [
        { state: stateWith({ authFailures: 50, events: MIN_EVIDENCE_EVENTS - 1 }), boundaryTravelKmh: null },
        { state: stateWith({ authFailures: 50, events: MIN_EVIDENCE_EVENTS }), boundaryTravelKmh: null },
      ],
      seasoned,
      0.95,
    );
    expect(thin.finding).toBeNull();
    expect(enough.finding).not.toBeNull();
    // the thin viewer did not join the population either
    expect(seasoned.population.size).toBe(101);
  });

  it('is deterministic: the same inputs give the same finding key and explanation', () => {
    const run = () =>
      assessViewers(
        [update('v-x')],
        [{ state: stateWith({ dataAccess: 20 }), boundaryTravelKmh: null }],
        populatedScorer(),
        0.95,
      )[0].finding;
    expect(run()).toEqual(run());
  });
});

function stateFactors(): RiskFactors {
  return {
    consentChurn: 0,
    complianceFindings: 0,
    dataAccess: 0,
    authFailures: 0,
    geoMovement: 0,
    errorRate: 0,
  };
}
