import { DataSource } from 'typeorm';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp } from '../support/test-app';
import { afterCompliance, complianceFindings, ingestKey, sendEvents, viewerId } from './compliance-support';

/**
 * The contract's own Swagger examples are compliant behaviour: sent through the pipeline as they are
 * (only the ids and the time fresh), they raise no finding. The data.accessed example used to say
 * `customer_support`, a purpose GDPR-09A's staff purposes did not know.
 */
describe('contract examples through the pipeline', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
  });
  afterAll(() => t.close());

  it('the data.accessed example (staff, support, with a ticket) raises no finding', async () => {
    const userId = viewerId('example-access');
    const event = makeEvent('data.accessed', { userId });
    await sendEvents(t, apiKey, [event]);
    const status = await afterCompliance(t, apiKey, event.eventId);
    expect(status.findings.filter((f: { kind: string }) => f.kind === 'compliance')).toEqual([]);
    expect(await complianceFindings(ds, userId)).toEqual([]);
  });
});
