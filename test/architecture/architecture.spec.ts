// The architecture check of issue 14, over the real src/ tree (and tools/ for copied vocabularies).
// The rules are in architecture-rules.ts; each is unit-tested in architecture-rules.spec.ts.
//
// Two rules may carry known violations while the code moves into shape: SQL outside persistence/ and
// src/database, and imports of another module's persistence/. Those live in known-violations.json,
// which may only shrink: a violation that is not listed fails, and so does a listed one that is gone
// (run `ARCH_BASELINE_WRITE=1 npx jest test/architecture` to drop the stale lines; it never adds any).
// The other rules have no baseline at all: pure domain folders, no folder or module cycles, src/ never
// importing test or tool code, no HTTP helpers outside the HTTP layer, no container lookups past module
// exports, one copy of each shared vocabulary.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEVERITIES } from '../../src/common/domain/severity';
import {
  ADEQ_2026_01,
  AGE_OF_CONSENT_2025_12,
  EEA_2025_01,
} from '../../src/compliance/domain/reference-sets';
import { EVENT_TYPES } from '../../src/ingestion/domain/event-types';
import {
  ACCOUNT_CLOSURE_REASONS,
  ACTOR_TYPES,
  AD_TARGETING_KINDS,
  AGE_BANDS,
  AGE_VERIFICATION_METHODS,
  ART_46_SAFEGUARDS,
  CONSENT_PURPOSES,
  DSR_FORMATS,
  DSR_PAUSE_REASONS,
  DSR_TYPES,
  LEGAL_BASES,
  PARENTAL_CONSENT_METHODS,
  PARENTAL_CONSENT_SCOPES,
  RECIPIENT_TYPES,
  STAFF_ACCESS_PURPOSES,
  TRANSFER_SAFEGUARDS,
} from '../../src/ingestion/domain/event-vocabulary';
import {
  analyse,
  Baseline,
  compareWithBaseline,
  RuleId,
  SourceInput,
  Violation,
  Vocabulary,
  vocabularyCopies,
} from './architecture-rules';

const ROOT = path.resolve(__dirname, '../..');
const BASELINE_FILE = path.join(__dirname, 'known-violations.json');
const BASELINED_RULES: RuleId[] = ['sql-outside-persistence', 'foreign-persistence'];
const STRICT_RULES: RuleId[] = [
  'domain-purity',
  'folder-cycle',
  'module-cycle',
  'src-imports-non-product',
  'http-helpers-outside-http',
  'vocabulary-copy',
  'container-lookup',
];

/** The shared vocabularies, each spelled out once, in its home; everything else imports it. */
const VOCABULARIES: Vocabulary[] = [
  { name: 'severity', home: 'src/common/domain/severity.ts', values: SEVERITIES },
  { name: 'event type', home: 'src/ingestion/domain/event-types.ts', values: EVENT_TYPES },
  { name: 'consent purpose', home: 'src/ingestion/domain/event-vocabulary.ts', values: CONSENT_PURPOSES },
  { name: 'actor type', home: 'src/ingestion/domain/event-vocabulary.ts', values: ACTOR_TYPES },
  { name: 'DSR type', home: 'src/ingestion/domain/event-vocabulary.ts', values: DSR_TYPES },
  { name: 'legal basis', home: 'src/ingestion/domain/event-vocabulary.ts', values: LEGAL_BASES },
  { name: 'recipient type', home: 'src/ingestion/domain/event-vocabulary.ts', values: RECIPIENT_TYPES },
  {
    name: 'parental-consent method',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: PARENTAL_CONSENT_METHODS,
  },
  {
    name: 'parental-consent scope',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: PARENTAL_CONSENT_SCOPES,
  },
  {
    name: 'age-verification method',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: AGE_VERIFICATION_METHODS,
  },
  { name: 'age band', home: 'src/ingestion/domain/event-vocabulary.ts', values: AGE_BANDS },
  { name: 'ad targeting kind', home: 'src/ingestion/domain/event-vocabulary.ts', values: AD_TARGETING_KINDS },
  {
    name: 'account closure reason',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: ACCOUNT_CLOSURE_REASONS,
  },
  { name: 'DSR format', home: 'src/ingestion/domain/event-vocabulary.ts', values: DSR_FORMATS },
  { name: 'DSR pause reason', home: 'src/ingestion/domain/event-vocabulary.ts', values: DSR_PAUSE_REASONS },
  {
    name: 'staff access purpose',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: STAFF_ACCESS_PURPOSES,
  },
  {
    name: 'Art. 46 transfer safeguard',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: ART_46_SAFEGUARDS,
  },
  {
    name: 'transfer safeguard',
    home: 'src/ingestion/domain/event-vocabulary.ts',
    values: TRANSFER_SAFEGUARDS,
  },
  {
    name: 'EEA country',
    home: 'src/compliance/domain/reference-sets.ts',
    values: EEA_2025_01.members.map((m) => m.code),
  },
  {
    name: 'EU adequacy country',
    home: 'src/compliance/domain/reference-sets.ts',
    values: ADEQ_2026_01.members.map((m) => m.code),
  },
  {
    name: 'age-of-consent country',
    home: 'src/compliance/domain/reference-sets.ts',
    values: Object.keys(AGE_OF_CONSENT_2025_12.ages),
    kind: 'keys',
  },
];

const RULE_TEXT: Record<RuleId, string> = {
  'domain-purity':
    'domain folders (src/**/domain/**) import no framework, driver or I/O package and no non-domain folder',
  'sql-outside-persistence': 'SQL lives only in src/**/persistence/** and src/database/**',
  'foreign-persistence': "no module imports another module's persistence/ folder",
  'folder-cycle': 'no import cycles between folders',
  'module-cycle': 'no import cycles between modules (src/<module>/**, subfolders included)',
  'src-imports-non-product': 'src/ never imports from tools/, test/, bench/ or scripts/',
  'http-helpers-outside-http': 'services, stages and domain code import no HTTP helper (src/common/http)',
  'container-lookup':
    'no module fishes providers out of the container (get with strict: false), the pipeline aside',
  'vocabulary-copy':
    'one shared vocabulary: severities, event types, consent purposes, country sets are spelled out once',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...sourceFiles(rel));
    } else if (/\.(ts|js|json)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function readBaseline(): Baseline {
  const raw = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')) as Record<string, unknown>;
  const baseline: Baseline = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('$')) continue;
    baseline[key as RuleId] = value as string[];
  }
  return baseline;
}

function writeBaseline(baseline: Baseline): void {
  const body: Record<string, unknown> = {
    $comment:
      'Known architecture violations (test/architecture). This list may only shrink: fix a violation, then drop its line with ARCH_BASELINE_WRITE=1 npx jest test/architecture.',
  };
  for (const rule of BASELINED_RULES) body[rule] = [...(baseline[rule] ?? [])].sort();
  fs.writeFileSync(BASELINE_FILE, `${JSON.stringify(body, null, 2)}\n`);
}

const describeViolations = (violations: Violation[]): string =>
  violations.map((v) => `  ${v.file}: ${v.detail}`).join('\n');

describe('architecture (issue 14)', () => {
  const inputs: SourceInput[] = sourceFiles('src').map((file) => ({
    file,
    text: fs.readFileSync(path.join(ROOT, file), 'utf8'),
  }));
  // The simulator and other tools (once they leave src/) must read the shared vocabulary too.
  const toolInputs: SourceInput[] = fs.existsSync(path.join(ROOT, 'tools'))
    ? sourceFiles('tools')
        .filter((file) => file.endsWith('.ts'))
        .map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') }))
    : [];
  const violations = [
    ...analyse(inputs).violations,
    ...vocabularyCopies([...inputs, ...toolInputs], VOCABULARIES),
  ];
  let baseline = readBaseline();

  if (process.env.ARCH_BASELINE_WRITE === '1') {
    // Shrink only: keep the listed entries that still occur, never add a new one.
    const { stale } = compareWithBaseline(violations, baseline);
    const shrunk: Baseline = {};
    for (const rule of BASELINED_RULES) {
      const entries = [...(baseline[rule] ?? [])];
      for (const s of stale.filter((x) => x.rule === rule)) entries.splice(entries.indexOf(s.entry), 1);
      shrunk[rule] = entries;
    }
    writeBaseline(shrunk);
    baseline = shrunk;
  }

  it('scans the source tree', () => {
    // A wrong root would make every rule pass vacuously.
    expect(inputs.length).toBeGreaterThan(100);
    expect(inputs.some((i) => i.file === 'src/app.module.ts')).toBe(true);
  });

  it('keeps a baseline only for the rules that may have one', () => {
    const unexpected = Object.keys(baseline).filter((rule) => !BASELINED_RULES.includes(rule as RuleId));
    expect(unexpected).toEqual([]);
  });

  for (const rule of STRICT_RULES) {
    it(`${rule}: ${RULE_TEXT[rule]}`, () => {
      const found = violations.filter((v) => v.rule === rule);
      if (found.length > 0) {
        throw new Error(`${RULE_TEXT[rule]} — ${found.length} violation(s):\n${describeViolations(found)}`);
      }
    });
  }

  for (const rule of BASELINED_RULES) {
    it(`${rule}: ${RULE_TEXT[rule]} (no new violations, no stale baseline lines)`, () => {
      const { fresh, stale } = compareWithBaseline(
        violations.filter((v) => v.rule === rule),
        { [rule]: baseline[rule] ?? [] },
      );
      const problems: string[] = [];
      if (fresh.length > 0) {
        problems.push(
          `${fresh.length} new violation(s) of "${RULE_TEXT[rule]}" (not in test/architecture/known-violations.json; ` +
            'move the code where it belongs rather than listing it):\n' +
            describeViolations(fresh),
        );
      }
      if (stale.length > 0) {
        problems.push(
          `${stale.length} line(s) of test/architecture/known-violations.json no longer occur — good, the baseline ` +
            'must shrink with them: delete these lines (or run `ARCH_BASELINE_WRITE=1 npx jest test/architecture`):\n' +
            stale.map((s) => `  "${s.entry}"`).join('\n'),
        );
      }
      if (problems.length > 0) throw new Error(problems.join('\n\n'));
    });
  }
});
