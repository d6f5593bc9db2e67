import { Role } from '../../security/domain/roles';
import { eventReadScope } from './event-read-scope';

describe('eventReadScope', () => {
  it('lets overseers read every event', () => {
    for (const role of [Role.Admin, Role.Operator, Role.ComplianceOfficer]) {
      expect(eventReadScope({ kind: 'user', userId: 'u1', roles: [role] })).toBeNull();
    }
  });

  it('limits an API key to what its own service account sent', () => {
    expect(eventReadScope({ kind: 'api_key', userId: 'svc-1', roles: [Role.Ingest] })).toEqual({ senderUserId: 'svc-1' });
  });

  it('never widens a key, whatever roles it claims', () => {
    expect(eventReadScope({ kind: 'api_key', userId: 'svc-1', roles: [Role.Admin] })).toEqual({ senderUserId: 'svc-1' });
  });

  it('limits a user holding only the ingest role to its own events', () => {
    expect(eventReadScope({ kind: 'user', userId: 'u2', roles: [Role.Ingest] })).toEqual({ senderUserId: 'u2' });
  });
});
