// The architecture check of issue 14, over the real src/ tree (and tools/ for copied vocabularies).
// The rules are in architecture-rules.ts; each is unit-tested in architecture-rules.spec.ts.
//
// Every rule holds without exceptions: there is no baseline of known violations. A violation fails
// the run with the file, the line and what to do instead.
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
  RuleId,
  SharedTable,
  SourceInput,
  tableWriters,
  Violation,
  Vocabulary,
  vocabularyCopies,
} from './architecture-rules';

const ROOT = path.resolve(__dirname, '../..');

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

/**
 * The tables more than one module writes, each with every writer and the reason (docs/architecture.md,
 * Persistence, says the same). Any other table has one writer, its owner.
 */
const SHARED_TABLES: Record<string, SharedTable> = {
  findings: {
    writers: ['compliance', 'ingestion', 'ml', 'violations'],
    why:
      'the hand-off from the first three stages to the violation stage: reception, compliance and ML each insert ' +
      'their own kind of finding in their batch transaction, and the violation stage links each finding to its violation',
  },
  pipeline_batches: {
    writers: ['ingestion', 'pipeline'],
    why:
      'the accept path inserts the open batch row with its events in one hot-path transaction (ingestion); ' +
      'every later change of the row is the pipeline\'s. To move behind a pipeline service when the accept path is next changed',
  },
};

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
  'table-writer':
    "every table is written by one module, its owner (others call a service it exports); the shared tables are listed with every writer",
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
    ...tableWriters(inputs, SHARED_TABLES),
  ];

  it('scans the source tree', () => {
    // A wrong root would make every rule pass vacuously.
    expect(inputs.length).toBeGreaterThan(100);
    expect(inputs.some((i) => i.file === 'src/app.module.ts')).toBe(true);
  });

  for (const rule of Object.keys(RULE_TEXT) as RuleId[]) {
    it(`${rule}: ${RULE_TEXT[rule]}`, () => {
      const found = violations.filter((v) => v.rule === rule);
      if (found.length > 0) {
        throw new Error(`${RULE_TEXT[rule]} — ${found.length} violation(s):\n${describeViolations(found)}`);
      }
    });
  }
});
