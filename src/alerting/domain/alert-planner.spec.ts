import { AlertCandidate, AlertRoute, matchRoutes, OpenAlert, planAlerts } from './alert-planner';

const NOW = new Date('2026-01-10T12:00:00Z');
let seq = 0;
const opts = { now: NOW, defaultWindowMs: 900_000, newId: () => `a-${++seq}` };

function route(overrides: Partial<AlertRoute> = {}): AlertRoute {
  return {
    id: 'r-1',
    name: 'all high',
    minSeverity: 'high',
    frameworks: [],
    ruleIds: [],
    reasons: [],
    channelIds: ['c-1'],
    suppressionWindowSeconds: 600,
    enabled: true,
    ...overrides,
  };
}

function candidate(overrides: Partial<AlertCandidate> = {}): AlertCandidate {
  return {
    violationId: 'v-1',
    reason: 'new',
    severity: 'high',
    framework: 'GDPR',
    ruleId: 'GDPR-01',
    occurrences: 1,
    ...overrides,
  };
}

function openAlert(overrides: Partial<OpenAlert> = {}): OpenAlert {
  return {
    id: 'old',
    violationId: 'v-1',
    reason: 'new',
    severity: 'high',
    createdAt: new Date(NOW.getTime() - 60_000),
    windowEndsAt: new Date(NOW.getTime() + 60_000),
    ...overrides,
  };
}

describe('matchRoutes', () => {
  it('matches by minimum severity, framework, rule and reason; empty lists match anything', () => {
    const routes = [
      route({ id: 'sev' }),
      route({ id: 'gdpr', minSeverity: 'low', frameworks: ['GDPR'] }),
      route({ id: 'coppa', minSeverity: 'low', frameworks: ['COPPA'] }),
      route({ id: 'rule', minSeverity: 'low', ruleIds: ['OTHER'] }),
      route({ id: 'pager', minSeverity: 'critical', reasons: ['unacknowledged'] }),
      route({ id: 'off', minSeverity: 'low', enabled: false }),
    ];
    expect(
      matchRoutes(routes, { severity: 'high', framework: 'GDPR', ruleId: 'GDPR-01', reason: 'new' }).map(
        (r) => r.id,
      ),
    ).toEqual(['sev', 'gdpr']);
    expect(
      matchRoutes(routes, { severity: 'medium', framework: 'GDPR', ruleId: 'GDPR-01', reason: 'new' }).map(
        (r) => r.id,
      ),
    ).toEqual(['gdpr']);
    expect(
      matchRoutes(routes, {
        severity: 'critical',
        framework: 'X',
        ruleId: 'Y',
        reason: 'unacknowledged',
      }).map((r) => r.id),
    ).toEqual(['sev', 'pager']);
  });
});

describe('planAlerts', () => {
  it('creates an alert with the channels and the longest window of its matching routes', () => {
    const plan = planAlerts(
      [candidate()],
      [],
      [route(), route({ id: 'r-2', channelIds: ['c-1', 'c-2'], suppressionWindowSeconds: 1200 })],
      opts,
    );
    expect(plan.created).toHaveLength(1);
    expect(plan.created[0]).toMatchObject({
      reason: 'new',
      severity: 'high',
      channelIds: ['c-1', 'c-2'],
      routeIds: ['r-1', 'r-2'],
      suppressedCount: 0,
    });
    expect(plan.created[0].windowEndsAt).toEqual(new Date(NOW.getTime() + 1_200_000));
  });

  it('still records an alert no route matched (stream and list), with the default window and no channels', () => {
    const plan = planAlerts([candidate({ severity: 'low' })], [], [route()], opts);
    expect(plan.created[0]).toMatchObject({ channelIds: [], routeIds: [] });
    expect(plan.created[0].windowEndsAt).toEqual(new Date(NOW.getTime() + 900_000));
  });

  it('folds a storm into one alert: repeats within the window only raise the count', () => {
    const storm = [
      candidate({ occurrences: 100 }),
      ...Array.from({ length: 9 }, () => candidate({ reason: 'repeated', occurrences: 100 })),
    ];
    const plan = planAlerts(storm, [], [route()], opts);
    expect(plan.created).toHaveLength(1);
    expect(plan.created[0].suppressedCount).toBe(999);
    expect(plan.folded).toEqual([]);
  });

  it('folds into a stored open alert, and sends a repeat once its window has ended', () => {
    const folded = planAlerts(
      [candidate({ reason: 'repeated', occurrences: 5 })],
      [openAlert()],
      [route()],
      opts,
    );
    expect(folded).toEqual({ created: [], folded: [{ alertId: 'old', add: 5 }] });
    const expired = openAlert({ windowEndsAt: new Date(NOW.getTime() - 1) });
    const sent = planAlerts([candidate({ reason: 'repeated', occurrences: 5 })], [expired], [route()], opts);
    expect(sent.created[0]).toMatchObject({ reason: 'repeated', suppressedCount: 4 });
  });

  it('sends a repeat that overtook the opening batch as the first notice, and folds the opening into it', () => {
    const first = planAlerts([candidate({ reason: 'repeated', occurrences: 50 })], [], [route()], opts);
    expect(first.created).toHaveLength(1);
    expect(first.created[0]).toMatchObject({ reason: 'new', suppressedCount: 49 });
    const stored = openAlert({ id: first.created[0].id, reason: 'new', windowEndsAt: first.created[0].windowEndsAt });
    const late = planAlerts([candidate({ reason: 'new', occurrences: 950 })], [stored], [route()], opts);
    expect(late.created).toEqual([]);
    expect(late.folded).toEqual([{ alertId: first.created[0].id, add: 950 }]);
  });

  it('always sends a rise in severity, even inside a window', () => {
    const plan = planAlerts(
      [candidate({ reason: 'escalated', severity: 'critical' })],
      [openAlert(), openAlert({ id: 'esc', reason: 'escalated', severity: 'high' })],
      [route()],
      opts,
    );
    expect(plan.created).toHaveLength(1);
    expect(plan.created[0]).toMatchObject({ reason: 'escalated', severity: 'critical' });
  });

  it('a window of 0 seconds suppresses nothing', () => {
    const plan = planAlerts(
      [candidate(), candidate({ reason: 'repeated' })],
      [],
      [route({ suppressionWindowSeconds: 0 })],
      opts,
    );
    expect(plan.created.map((a) => a.reason)).toEqual(['new', 'repeated']);
  });
});
