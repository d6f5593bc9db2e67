import { FieldMatch } from './attack-pattern';
import { AttackPatternDetector, MAX_EXCERPT_LENGTH } from './attack-pattern-detector';
import { securityFindingFromMatch } from './security-finding';

function fieldMatch(overrides: Partial<FieldMatch> = {}): FieldMatch {
  return {
    patternId: 'XSS-001',
    category: 'xss',
    severity: 'high',
    field: 'data.comment',
    excerpt: '<script>alert(1)</script>',
    ...overrides,
  };
}

describe('securityFindingFromMatch', () => {
  it('copies the identifying fields and marks the finding as a security one', () => {
    expect(securityFindingFromMatch(fieldMatch())).toEqual({
      kind: 'security',
      patternId: 'XSS-001',
      category: 'xss',
      severity: 'high',
      field: 'data.comment',
      excerpt: '&lt;script&gt;alert(1)&lt;/script&gt;',
    });
  });

  it('bounds the excerpt before escaping it, so no entity is cut in half', () => {
    const finding = securityFindingFromMatch(fieldMatch({ excerpt: '<'.repeat(1000) }));
    expect(finding.excerpt).toBe('&lt;'.repeat(MAX_EXCERPT_LENGTH));
  });

  it('counts code points when bounding, so an emoji is never split', () => {
    const finding = securityFindingFromMatch(fieldMatch({ excerpt: '😀'.repeat(1000) }));
    expect(finding.excerpt).toBe('😀'.repeat(MAX_EXCERPT_LENGTH));
  });

  it('turns detector output into storable findings', () => {
    const detector = new AttackPatternDetector();
    const findings = detector
      .scanFields({ search: "1'; DROP TABLE users;--\u0000" })
      .map(securityFindingFromMatch);
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      expect(finding).toMatchObject({ kind: 'security', field: 'search', category: 'sql-injection' });
      expect(finding.excerpt).not.toMatch(/[<>"'`\u0000]/);
    }
  });
});
