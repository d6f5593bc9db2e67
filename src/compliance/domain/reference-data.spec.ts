import { REFERENCE_BUNDLE, seedReferenceData } from '../rule-packs';
import { addBusinessDays, californiaHolidays, ReferenceData } from './reference-data';

const at = (iso: string) => Date.parse(iso);

describe('ReferenceData', () => {
  const ref = seedReferenceData();

  it('uses the newest version of each list and names it', () => {
    expect(ref.versionOf('ADEQ')).toBe('ADEQ@2026-01');
    expect(ref.versionOf('EEA')).toBe('EEA@2025-01');
    expect(ref.versionOf('NOPE')).toBeNull();
  });

  it('can pin an older version', () => {
    const pinned = new ReferenceData(REFERENCE_BUNDLE, { ADEQ: '2025-12' });
    expect(pinned.versionOf('ADEQ')).toBe('ADEQ@2025-12');
    expect(pinned.inSet('ADEQ', 'BR', at('2026-03-01T00:00:00Z'))).toBe(false);
  });

  it('applies membership dates and partial-adequacy scopes', () => {
    expect(ref.inSet('ADEQ', 'BR', at('2026-01-26T23:59:59Z'))).toBe(false);
    expect(ref.inSet('ADEQ', 'BR', at('2026-01-27T00:00:00Z'))).toBe(true);
    const now = at('2026-05-01T00:00:00Z');
    expect(ref.inScopedSet('ADEQ', 'US', now, { dpfCertified: false, pipedaCovered: true })).toBe(false);
    expect(ref.inScopedSet('ADEQ', 'US', now, { dpfCertified: true, pipedaCovered: false })).toBe(true);
    expect(ref.inScopedSet('ADEQ', 'CA', now, { dpfCertified: false, pipedaCovered: false })).toBe(false);
    expect(ref.inScopedSet('ADEQ', 'JP', now, { dpfCertified: false, pipedaCovered: false })).toBe(true);
  });

  it('knows national ages of digital consent', () => {
    expect([
      ref.ageOfConsent('FR'),
      ref.ageOfConsent('DE'),
      ref.ageOfConsent('GB'),
      ref.ageOfConsent('es'),
    ]).toEqual([15, 16, 13, 14]);
  });
});

describe('business days (CCPA)', () => {
  it('skip weekends and California holidays', () => {
    expect(californiaHolidays(2026)).toEqual(
      new Set([
        '2026-01-01',
        '2026-01-19',
        '2026-02-16',
        '2026-03-31',
        '2026-05-25',
        '2026-07-04',
        '2026-09-07',
        '2026-09-25',
        '2026-11-11',
        '2026-11-26',
        '2026-11-27',
        '2026-12-25',
      ]),
    );
    // Mon 4 May 2026 + 15 business days, Memorial Day (25 May) excluded → Tue 26 May.
    expect(new Date(addBusinessDays(at('2026-05-04T10:00:00Z'), 15)).toISOString()).toBe(
      '2026-05-26T10:00:00.000Z',
    );
    // Fri + 1 → Mon.
    expect(new Date(addBusinessDays(at('2026-05-08T10:00:00Z'), 1)).toISOString()).toBe(
      '2026-05-11T10:00:00.000Z',
    );
  });
});
