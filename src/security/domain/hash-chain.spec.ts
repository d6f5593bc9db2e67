import { AuditRecord, canonicalJson, chainHash, GENESIS_HASH, HashChainVerifier } from './hash-chain';

const record = (action: string, details: Record<string, unknown> = {}): AuditRecord => ({
  occurredAt: '2026-11-27T10:00:00.000Z',
  actorType: 'user',
  actorId: 'u-1',
  action,
  targetType: 'user',
  targetId: 'u-2',
  requestId: 'req-1',
  ip: '127.0.0.1',
  details,
});

function chain(records: AuditRecord[]) {
  let prev = GENESIS_HASH;
  return records.map((r, i) => {
    const hash = chainHash(prev, r);
    const entry = { id: String(i + 1), prevHash: prev, hash, record: r };
    prev = hash;
    return entry;
  });
}

describe('audit hash chain', () => {
  it('canonicalises key order at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('accepts an intact chain', () => {
    const verifier = new HashChainVerifier();
    for (const entry of chain([record('a'), record('b'), record('c', { roles: ['admin'] })])) {
      expect(verifier.check(entry)).toBeNull();
    }
    expect(verifier.count).toBe(3);
  });

  it('finds an altered entry', () => {
    const entries = chain([record('a'), record('b'), record('c')]);
    entries[1].record = { ...entries[1].record, action: 'tampered' };
    const verifier = new HashChainVerifier();
    expect(verifier.check(entries[0])).toBeNull();
    expect(verifier.check(entries[1])).toEqual({ id: '2', reason: 'hash does not match the entry' });
  });

  it('finds a removed entry', () => {
    const entries = chain([record('a'), record('b'), record('c')]);
    const verifier = new HashChainVerifier();
    expect(verifier.check(entries[0])).toBeNull();
    expect(verifier.check(entries[2])).toEqual({ id: '3', reason: 'prev_hash does not match the previous entry' });
  });
});
