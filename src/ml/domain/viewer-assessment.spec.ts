import { viewerUpdates } from './factor-updates';
import { FactorState, HOUR_MS } from './risk-factors';
import { assessViewers } from './viewer-assessment';
import { StatisticalViewerScorer } from './viewer-scorer';

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

describe('assessViewers', () => {
  const scorer = new StatisticalViewerScorer();

  it('scores, tiers and segments every viewer, and raises a finding only at or above the threshold', () => {
    const [calm, attacked] = assessViewers(
      [update('v-calm'), update('v-attacked')],
      [
        { state: stateWith({}), boundaryTravelKmh: null },
        { state: stateWith({ authFailures: 7 }), boundaryTravelKmh: null },
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
    expect(attacked.tier).toBe('critical');
    expect(attacked.segment).toBe('credential_attack_target');
    expect(attacked.finding).toMatchObject({
      userId: 'v-attacked',
      ruleVersion: 'statistical',
      severity: 'critical',
      eventId: '00000000-0000-4000-8000-000000000001',
      evidenceEventIds: ['00000000-0000-4000-8000-000000000001'],
      dedupKey: `ml:v-attacked:statistical:${Math.floor(T0 / HOUR_MS)}:critical`,
    });
    expect(attacked.finding!.explanation).toContain('7.0 failed logins in the last hour');
    expect(attacked.finding!.explanation).toContain('statistical priors');
    expect(attacked.finding!.details).toMatchObject({
      score: attacked.score.risk,
      riskScore: attacked.score.risk,
      topFactors: ['authFailures'],
    });
  });

  it('names an impossible jump in the explanation of geographic movement', () => {
    const [assessment] = assessViewers(
      [update('v-travel')],
      [{ state: stateWith({ travel: 9 }, 3), boundaryTravelKmh: 42_000 }],
      scorer,
      0.95,
    );
    expect(assessment.details.fastestTravelKmh).toBe(42_000);
    expect(assessment.finding!.explanation).toContain('3 countries in 24 h, an implied 42,000 km/h jump');
  });

  it('is deterministic: the same inputs give the same finding key and explanation', () => {
    const run = () =>
      assessViewers(
        [update('v-x')],
        [{ state: stateWith({ dataAccess: 20 }), boundaryTravelKmh: null }],
        scorer,
        0.95,
      )[0].finding;
    expect(run()).toEqual(run());
  });
});
