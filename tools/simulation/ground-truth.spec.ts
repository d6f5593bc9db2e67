import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import { GroundTruthRecorder } from './ground-truth';
import type { Viewer } from './population';
import type { ScenarioInstance } from './scenarios';
import type { StepLabel } from './simulation-state';
import type { SimEvent } from './traffic-generator';

let n = 0;
function sim(userId: string | undefined, label?: StepLabel): SimEvent {
  const event = {
    eventId: `e-${++n}`,
    type: 'auth.logout',
    userId,
    actor: { type: 'viewer', id: userId ?? 'svc' },
  } as IngestedEvent;
  return label === undefined ? { event, releaseAt: 0 } : { event, releaseAt: 0, label };
}

const viewer = (id: string) => ({ id }) as Viewer;
const instances: ScenarioInstance[] = [
  { scenario: 'credential_stuffing', viewer: viewer('v-victim'), startAt: 0, variant: 'default', budget: 10 },
  { scenario: 'credential_stuffing', viewer: viewer('v-late'), startAt: 0, variant: 'default', budget: 10 },
  {
    scenario: 'insider_bulk_access',
    actor: { id: 's-9', country: 'IE', ip: '1.2.3.4' },
    startAt: 0,
    variant: 'default',
    budget: 10,
  },
];

describe('GroundTruthRecorder', () => {
  it('lists culprits, sequences, triggers and expected rules; victims and culprits are not clean', () => {
    const recorder = new GroundTruthRecorder(1, 10, instances, [
      'credential_stuffing',
      'insider_bulk_access',
    ]);
    const failed = sim('v-victim', {
      scenario: 'credential_stuffing',
      role: 'sequence',
      viewerId: 'v-victim',
    });
    const exported = sim('v-victim', {
      scenario: 'credential_stuffing',
      role: 'trigger',
      viewerId: 'v-victim',
      rules: ['SEC-01'],
    });
    const read = sim('v-reader', {
      scenario: 'insider_bulk_access',
      role: 'trigger',
      actorId: 's-9',
      affectedViewerId: 'v-reader',
      rules: ['GDPR-09A'],
    });
    for (const e of [sim('v-clean'), failed, exported, read, sim('v-late'), sim(undefined)])
      recorder.record(e);
    const truth = recorder.build(new Date('2026-11-27T00:00:00Z'));
    expect(truth).toEqual({
      generatedAt: '2026-11-27T00:00:00.000Z',
      seed: 1,
      users: 10,
      cleanViewers: ['v-clean'],
      scenarios: {
        credential_stuffing: expect.objectContaining({
          viewers: ['v-victim'],
          actors: [],
          eventIds: [failed.event.eventId, exported.event.eventId],
          triggerEventIds: [exported.event.eventId],
          rules: ['SEC-01'],
          expectedRules: { [exported.event.eventId]: ['SEC-01'] },
          affectedViewers: [],
          incompleteViewers: ['v-late'],
        }),
        insider_bulk_access: expect.objectContaining({
          viewers: [],
          actors: ['s-9'],
          eventIds: [read.event.eventId],
          rules: ['GDPR-09A'],
          affectedViewers: ['v-reader'],
        }),
      },
    });
  });

  it('leaves out what the platform refused', () => {
    const recorder = new GroundTruthRecorder(1, 10, instances, ['credential_stuffing']);
    const exported = sim('v-victim', {
      scenario: 'credential_stuffing',
      role: 'trigger',
      viewerId: 'v-victim',
      rules: ['SEC-01'],
    });
    recorder.record(exported);
    recorder.exclude([exported.event.eventId]);
    const truth = recorder.build(new Date());
    expect(truth.scenarios.credential_stuffing).toMatchObject({
      viewers: [],
      eventIds: [],
      rules: [],
      incompleteViewers: ['v-victim'],
    });
    expect(truth.cleanViewers).toEqual([]);
  });
});
