import { EVENT_FAMILIES, EVENT_TYPES, type EventFamily, familyOf, isEventType } from './event-types';

describe('event types', () => {
  it('lists each of the 29 contract types once', () => {
    expect(EVENT_TYPES).toHaveLength(29);
    expect(new Set(EVENT_TYPES).size).toBe(EVENT_TYPES.length);
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'auth.login.failed',
        'account.parental_consent_given',
        'dsr.recipient_notified',
      ]),
    );
  });

  it('partitions the types into families', () => {
    const inFamilies = Object.values(EVENT_FAMILIES).flat();
    expect([...inFamilies].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('names the family of every type', () => {
    for (const family of Object.keys(EVENT_FAMILIES) as EventFamily[]) {
      for (const type of EVENT_FAMILIES[family]) expect(familyOf(type)).toBe(family);
    }
  });

  it('recognises only contract types', () => {
    expect(isEventType('consent.granted')).toBe(true);
    expect(isEventType('consent.Granted')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType(42)).toBe(false);
    expect(isEventType(undefined)).toBe(false);
  });
});
