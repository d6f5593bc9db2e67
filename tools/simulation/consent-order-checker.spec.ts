import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import type { ConsentPurpose } from '../../src/ingestion/domain/event-vocabulary';
import { findConsentOrderViolations, processingPurpose } from './consent-order-checker';
import { EventFactory, type EventOrigin } from './event-factory';
import { SeededRng } from './seeded-rng';

const T0 = Date.parse('2026-05-04T10:00:00Z');

/** A little timeline builder: one viewer, one event a minute. */
function viewer(country: string, birthYear = 1985) {
  const factory = new EventFactory(new SeededRng(1));
  const origin: EventOrigin = { actor: { type: 'viewer', id: 'v-1' }, userId: 'v-1', country };
  const events: IngestedEvent[] = [];
  let t = T0;
  const b = {
    events,
    created: () => (
      events.push(factory.build('account.created', (t += 60_000), origin, { birthYear, country })),
      b
    ),
    grant: (purpose: ConsentPurpose, separateForm = false) => (
      events.push(
        factory.build('consent.granted', (t += 60_000), origin, {
          purpose,
          basis: 'consent',
          noticeVersion: 'n1',
          separateForm,
        }),
      ),
      b
    ),
    withdraw: (purpose: ConsentPurpose) => (
      events.push(
        factory.build('consent.withdrawn', (t += 60_000), origin, {
          purpose,
          basis: 'consent',
          noticeVersion: 'n1',
        }),
      ),
      b
    ),
    parental: () => (
      events.push(
        factory.build('account.parental_consent_given', (t += 60_000), origin, {
          verified: true,
          method: 'payment_card',
          scopes: ['collection'],
        }),
      ),
      b
    ),
    pixel: (purpose = 'ads_targeting', params?: Record<string, string>) => (
      events.push(
        factory.build('tracking.fired', (t += 60_000), origin, {
          vendor: 'ad-pixel',
          purpose,
          deviceAccess: true,
          strictlyNecessary: false,
          persistentId: true,
          ...(params === undefined ? {} : { params }),
        }),
      ),
      b
    ),
    share: (
      recipientCountry: string,
      safeguard: 'none' | 'scc',
      extra: { includesViewingHistory?: boolean; saleOrShare?: boolean } = {},
    ) => (
      events.push(
        factory.build(
          'data.shared',
          (t += 60_000),
          { ...origin, actor: { type: 'service', id: 'data-pipeline' } },
          {
            recipient: 'partner',
            recipientType: 'third_party',
            recipientCountry,
            categories: ['device_id'],
            includesViewingHistory: extra.includesViewingHistory ?? false,
            saleOrShare: extra.saleOrShare ?? false,
            safeguard,
            purpose: 'support',
          },
        ),
      ),
      b
    ),
    optOut: () => (
      events.push(
        factory.build('dsr.opened', (t += 60_000), origin, {
          requestId: 'r-1',
          type: 'opt_out_sale',
          jurisdiction: 'US-CA',
        }),
      ),
      b
    ),
  };
  return b;
}

const reasons = (events: IngestedEvent[]) => findConsentOrderViolations(events).map((v) => v.reason);

describe('findConsentOrderViolations', () => {
  it('accepts tracking after consent', () => {
    expect(reasons(viewer('DE').created().grant('ads_targeting').pixel().events)).toEqual([]);
  });

  it('flags tracking before consent, even when consent comes later', () => {
    expect(reasons(viewer('DE').created().pixel().grant('ads_targeting').events)).toEqual([
      'used for ads_targeting without a standing consent',
    ]);
  });

  it('flags tracking after the consent was withdrawn, and accepts it again after a new grant', () => {
    const events = viewer('FR')
      .created()
      .grant('analytics')
      .withdraw('analytics')
      .pixel('analytics')
      .grant('analytics')
      .pixel('analytics').events;
    expect(reasons(events)).toEqual(['used for analytics without a standing consent']);
  });

  it('replays in event time, whatever the input order', () => {
    const events = viewer('DE').created().grant('ads_targeting').pixel().events;
    expect(reasons([...events].reverse())).toEqual([]);
  });

  it('flags a child’s consent and tracking without a parent, not with one', () => {
    expect(reasons(viewer('US', 2016).created().grant('analytics').pixel('analytics').events)).toEqual([
      'child (9) in US without verified parental consent',
      'child (9) in US without verified parental consent',
    ]);
    expect(
      reasons(viewer('US', 2016).created().parental().grant('analytics').pixel('analytics').events),
    ).toEqual([]);
  });

  it('flags a title with a person id in a US pixel unless a separate VPPA consent stands', () => {
    const params = { content_name: 't-1', external_id: 'v-1' };
    expect(
      reasons(viewer('US').created().grant('ads_targeting').pixel('ads_targeting', params).events),
    ).toEqual(['viewing history disclosed without a separate VPPA consent']);
    expect(
      reasons(
        viewer('US')
          .created()
          .grant('ads_targeting')
          .grant('viewing_history_disclosure', true)
          .pixel('ads_targeting', params).events,
      ),
    ).toEqual([]);
  });

  it('flags a transfer out of the EEA with no safeguard, not one under SCCs', () => {
    expect(reasons(viewer('FR').created().share('IN', 'none').events)).toEqual([
      'transfer to IN without adequacy, safeguard or explicit consent',
    ]);
    expect(reasons(viewer('FR').created().share('IN', 'scc').events)).toEqual([]);
    expect(reasons(viewer('BR').created().share('CN', 'none').events)).toEqual([
      "transfer of a Brazilian viewer's data to CN without safeguard or consent",
    ]);
  });

  it('flags a sale after an opt-out', () => {
    expect(
      reasons(
        viewer('US').created().grant('sale_share').optOut().share('US', 'none', { saleOrShare: true }).events,
      ),
    ).toContain('sold or shared after an opt-out');
  });

  it('names the purpose an event relies on', () => {
    const [, , pixel] = viewer('DE').created().grant('ads_targeting').pixel().events;
    expect(processingPurpose(pixel)).toBe('ads_targeting');
  });
});
