// The rules of the architecture check on small in-memory trees: each rule is shown to fire on the
// shape it forbids and to stay quiet on the shapes it allows.
import {
  analyse,
  looksLikeSql,
  RuleId,
  SourceInput,
  sqlLiteralsOf,
  tablesWritten,
  tableWriters,
  Violation,
  vocabularyCopies,
} from './architecture-rules';

const tree = (files: Record<string, string>): SourceInput[] =>
  Object.entries(files).map(([file, text]) => ({ file, text }));

const rulesHit = (files: Record<string, string>, rule: RuleId) =>
  analyse(tree(files)).violations.filter((v) => v.rule === rule);

describe('domain purity', () => {
  it('forbids framework, driver and I/O imports in a domain folder', () => {
    const found = rulesHit(
      {
        'src/ml/domain/a.ts': [
          "import { Injectable } from '@nestjs/common';",
          "import { DataSource } from 'typeorm';",
          "import Redis from 'ioredis';",
          "import { readFileSync } from 'node:fs';",
          "import { Queue } from 'bullmq';",
          "import { Pool } from 'pg';",
        ].join('\n'),
      },
      'domain-purity',
    );
    expect(found.map((v) => v.key)).toEqual([
      '@nestjs/common',
      'typeorm',
      'ioredis',
      'node:fs',
      'bullmq',
      'pg',
    ]);
  });

  it('forbids importing persistence, services or other non-domain folders, even type-only', () => {
    const found = rulesHit(
      {
        'src/ml/domain/a.ts':
          "import type { Row } from '../persistence/rows';\nimport { X } from '../../security/principal';",
        'src/ml/persistence/rows.ts': 'export interface Row {}',
        'src/security/principal.ts': 'export const X = 1;',
      },
      'domain-purity',
    );
    expect(found.map((v) => v.key)).toEqual(['../persistence/rows', '../../security/principal']);
  });

  it('allows other domain folders, pure libraries and computing built-ins', () => {
    const found = rulesHit(
      {
        'src/ml/domain/a.ts': [
          "import { createHash } from 'node:crypto';",
          "import ipaddr from 'ipaddr.js';",
          "import { Role } from '../../security/domain/roles';",
          "import { b } from './b';",
        ].join('\n'),
        'src/ml/domain/b.ts': 'export const b = 1;',
        'src/security/domain/roles.ts': 'export enum Role {}',
      },
      'domain-purity',
    );
    expect(found).toEqual([]);
  });
});

describe('SQL outside persistence', () => {
  it.each([
    'SELECT id FROM users WHERE email = $1',
    'INSERT INTO alerts (id) VALUES ($1)',
    'UPDATE pipeline_batches SET status = $2 WHERE id = $1',
    'DELETE FROM refresh_tokens WHERE expires_at < now()',
    'WITH recent AS (SELECT 1) SELECT * FROM recent',
    'SELECT pg_advisory_xact_lock($1)',
    'SELECT 1',
    'select count(*) from t',
    '  AND created_at >= $3',
    "SET LOCAL statement_timeout = '5s'",
  ])('recognises %j', (text) => {
    expect(looksLikeSql(text)).toBe(true);
  });

  it.each([
    'Select a model from the list.',
    'Update the rule set first',
    'Delete from the dashboard, then retry',
    'With a key as (optional) proof',
    'select',
    'the event was updated',
  ])('does not take prose for SQL: %j', (text) => {
    expect(looksLikeSql(text)).toBe(false);
  });

  it('finds template literals with holes and anything handed to .query()', () => {
    const found = sqlLiteralsOf({
      file: 'src/x/service.ts',
      text: [
        'const t = `SELECT ${cols} FROM ${table} WHERE id = $1`;',
        "await db.query('LISTEN whatever, odd');",
        "const label = 'Select a report';",
      ].join('\n'),
    });
    expect(found.map((f) => f.line)).toEqual([1, 2]);
  });

  it('flags services and stages, not persistence/, src/database or specs', () => {
    const sql = "export const q = 'SELECT id FROM users';";
    const found = rulesHit(
      {
        'src/security/users.service.ts': sql,
        'src/security/persistence/users.repository.ts': sql,
        'src/database/transactions.ts': sql,
        'src/security/users.service.spec.ts': sql,
      },
      'sql-outside-persistence',
    );
    expect(found.map((v) => v.file)).toEqual(['src/security/users.service.ts']);
  });
});

describe("another module's persistence", () => {
  it("flags an import of another module's persistence/, not of its own", () => {
    const found = rulesHit(
      {
        'src/reporting/report.ts': "import { RollupQueries } from '../analytics/persistence/rollup-queries';",
        'src/analytics/service.ts': "import { RollupQueries } from './persistence/rollup-queries';",
        'src/analytics/persistence/rollup-queries.ts': 'export class RollupQueries {}',
      },
      'foreign-persistence',
    );
    expect(found.map((v) => v.file)).toEqual(['src/reporting/report.ts']);
  });
});

describe('folder cycles', () => {
  it('reports a cycle between folders with an example edge for each step', () => {
    const found = rulesHit(
      {
        'src/pipeline/dashboard.ts': "import { jwt } from '../security/jwt';",
        'src/security/jwt.ts': "import { COOKIE } from '../pipeline/cookie';\nexport const jwt = 1;",
        'src/pipeline/cookie.ts': "export const COOKIE = 'c';",
      },
      'folder-cycle',
    );
    expect(found).toHaveLength(1);
    expect(found[0].key).toBe('src/pipeline ⇄ src/security');
    expect(found[0].detail).toContain("src/pipeline/dashboard.ts:1 imports '../security/jwt'");
    expect(found[0].detail).toContain("src/security/jwt.ts:1 imports '../pipeline/cookie'");
  });

  it("leaves out a module file's wiring of its own folders, but not one module importing another", () => {
    const wiring = {
      'src/alerting/alerting.module.ts': "import { C } from './api/c.controller';",
      'src/alerting/api/c.controller.ts': "import { S } from '../s.service';\nexport class C {}",
      'src/alerting/s.service.ts': 'export class S {}',
    };
    expect(rulesHit(wiring, 'folder-cycle')).toEqual([]);

    const crossModule = {
      'src/a/a.module.ts': "import { B } from '../b/b.module';",
      'src/b/b.module.ts': "import { A } from '../a/a.module';",
    };
    expect(rulesHit(crossModule, 'folder-cycle')).toHaveLength(1);
  });
});

describe('module cycles', () => {
  it('sees a cycle between modules that no pair of folders shows', () => {
    const files = {
      'src/security/auth/auth.service.ts': "import { m } from '../../metrics/registry';",
      'src/metrics/registry.ts': 'export const m = 1;',
      'src/metrics/api/metrics.controller.ts': "import { Public } from '../../security/decorators';",
      'src/security/decorators.ts': 'export const Public = 1;',
    };
    expect(rulesHit(files, 'folder-cycle')).toEqual([]);
    const found = rulesHit(files, 'module-cycle');
    expect(found.map((v) => v.key)).toEqual(['src/metrics ⇄ src/security']);
  });
});

describe('container lookups', () => {
  it('flags get(…, { strict: false }) outside the pipeline', () => {
    const lookup = 'const q = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });';
    const found = rulesHit(
      {
        'src/analytics/analytics.service.ts': lookup,
        'src/pipeline/stage-queues.service.ts': lookup,
        'src/cache/cache.service.ts': 'const v = map.get(key, { strict: true });',
      },
      'container-lookup',
    );
    expect(found.map((v) => v.file)).toEqual(['src/analytics/analytics.service.ts']);
  });
});

describe('src imports no test or tool code', () => {
  it('flags src/ importing tools/, test/, bench/ or scripts/', () => {
    const found = rulesHit(
      {
        'src/a.ts':
          "import { x } from '../test/support/x';\nimport { y } from '../tools/sim/y';\nimport { z } from 'bench/z';",
        'src/b.spec.ts': "import { w } from '../scripts/w';",
      },
      'src-imports-non-product',
    );
    expect(found.map((v) => v.key)).toEqual(['test/support/x', 'tools/sim/y', 'bench/z', 'scripts/w']);
  });

  it('lets a unit spec (only a spec) use the shared test helpers in tools/testing/', () => {
    const found = rulesHit(
      {
        'src/c.spec.ts':
          "import { f } from '../tools/testing/f';\nimport { s } from '../tools/simulation/s';",
        'src/c.ts': "import { f } from '../tools/testing/f';",
      },
      'src-imports-non-product',
    );
    expect(found.map((v) => `${v.file} ${v.key}`)).toEqual([
      'src/c.spec.ts tools/simulation/s',
      'src/c.ts tools/testing/f',
    ]);
  });
});

describe('HTTP helpers outside the HTTP layer', () => {
  it('flags a service importing src/common/http, not a controller or DTO', () => {
    const importValidation = (depth: string) =>
      `import { validationException } from '${depth}common/http/validation';`;
    const found = rulesHit(
      {
        'src/admin/admin.service.ts': importValidation('../'),
        'src/admin/admin.controller.ts': importValidation('../'),
        'src/ml/api/ml.dto.ts': importValidation('../../'),
        'src/common/http/validation.ts': 'export const validationException = 1;',
      },
      'http-helpers-outside-http',
    );
    expect(found.map((v) => v.file)).toEqual(['src/admin/admin.service.ts']);
  });
});

describe('one shared vocabulary', () => {
  const vocabularies = [
    {
      name: 'severity',
      home: 'src/common/domain/severity.ts',
      values: ['low', 'medium', 'high', 'critical'],
    },
    { name: 'EEA country', home: 'src/compliance/domain/reference-sets.ts', values: ['AT', 'BE', 'NO'] },
    {
      name: 'age-of-consent country',
      home: 'src/compliance/domain/reference-sets.ts',
      values: ['BE', 'AT', 'GB'],
      kind: 'keys' as const,
    },
  ];

  it('flags arrays, unions, split strings and keyed tables that copy a vocabulary outside its home', () => {
    const found = vocabularyCopies(
      tree({
        'src/common/domain/severity.ts':
          "export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;",
        'src/rules/rule.ts': "export type Severity = 'low' | 'medium' | 'high' | 'critical';",
        'src/report/columns.ts': "export const ORDER = ['critical', 'high', 'medium', 'low'];",
        'src/sim/world.ts':
          "const EEA = new Set('AT BE NO'.split(' '));\nconst AGES = { BE: 13, AT: 14, GB: 13 };",
      }),
      vocabularies,
    );
    expect(found.map((v) => `${v.file} ${v.key}`)).toEqual([
      'src/rules/rule.ts severity',
      'src/report/columns.ts severity',
      'src/sim/world.ts EEA country',
      'src/sim/world.ts age-of-consent country',
    ]);
  });

  it('leaves uses of the vocabulary alone: subsets, tables keyed by severity, specs', () => {
    const found = vocabularyCopies(
      tree({
        'src/analytics/posture.ts': 'export const WEIGHTS = { low: 1, medium: 2, high: 5, critical: 10 };',
        'src/ml/bands.ts': "export type FindingSeverity = 'medium' | 'high' | 'critical';",
        'src/violations/severity.spec.ts': "expect(all).toEqual(['low', 'medium', 'high', 'critical']);",
      }),
      vocabularies,
    );
    expect(found).toEqual([]);
  });
});

describe('one writer per table', () => {
  it.each([
    ['INSERT INTO alerts (id) VALUES ($1)', ['alerts']],
    ['UPDATE violations v SET status = $2 WHERE v.id = $1', ['violations']],
    ['UPDATE public.users SET disabled_at = now()', ['users']],
    ['DELETE FROM rollup_consents_daily', ['rollup_consents_daily']],
    ['TRUNCATE TABLE ml_labels', ['ml_labels']],
    [
      'WITH moved AS (UPDATE pipeline_batches SET stage = $2) INSERT INTO rollup_stage_latency_minutely AS r SELECT 1',
      ['pipeline_batches', 'rollup_stage_latency_minutely'],
    ],
    ['INSERT INTO r (k) VALUES (1) ON CONFLICT (k) DO UPDATE SET n = r.n + 1', ['r']],
    ['SELECT id FROM violation_changes WHERE alerted_at IS NULL FOR UPDATE SKIP LOCKED', []],
    ['SELECT 1 FROM rollup_watermarks ORDER BY name FOR UPDATE', []],
    ['INSERT INTO ${} (id) VALUES ($1)', []],
  ])('reads the tables %j writes', (sql, tables) => {
    expect(tablesWritten(sql).sort()).toEqual([...tables].sort());
  });

  it('flags a table two modules write, and names every writer', () => {
    const found = tableWriters(
      tree({
        'src/ml/persistence/ml-labels.repository.ts': "q('INSERT INTO ml_labels (user_id) VALUES ($1)');",
        'src/violations/persistence/violations.repository.ts':
          "q(`INSERT INTO ml_labels (user_id, source) VALUES ($1, 'case_review')`);",
        'src/violations/persistence/other.repository.ts': "q('UPDATE violations SET status = $1');",
        'src/violations/persistence/more.repository.ts': "q('DELETE FROM violations WHERE id = $1');",
      }),
      {},
    );
    expect(found.map((v) => v.key)).toEqual(['ml_labels']);
    expect(found[0].detail).toContain('ml: src/ml/persistence/ml-labels.repository.ts:1');
    expect(found[0].detail).toContain('violations: src/violations/persistence/violations.repository.ts:1');
  });

  it('accepts a shared table written by exactly its listed writers, and nothing else', () => {
    const sources = tree({
      'src/ingestion/persistence/a.repository.ts': "q('INSERT INTO findings (id) VALUES ($1)');",
      'src/violations/persistence/b.repository.ts':
        "q('UPDATE findings f SET violation_id = $2 WHERE f.id = $1');",
      'src/violations/x.spec.ts': "q('DELETE FROM findings');",
      'src/security/domain/samples.ts':
        "// architecture-check: sql-shaped literals here are data, not queries (samples)\nconst s = 'DELETE FROM findings';",
    });
    const shared = { findings: { writers: ['ingestion', 'violations'], why: 'hand-off' } };
    expect(tableWriters(sources, shared)).toEqual([]);
    // A new writer is not covered by the list, and neither is a listing that outlived its sharing.
    const more = tableWriters(
      [
        ...sources,
        ...tree({ 'src/ml/persistence/c.repository.ts': "q('INSERT INTO findings (id) VALUES ($1)');" }),
      ],
      shared,
    );
    expect(more.map((v) => v.key)).toEqual(['findings']);
    const stale = tableWriters(sources, {
      ...shared,
      ml_labels: { writers: ['ml', 'violations'], why: 'old' },
    });
    expect(stale.map((v) => v.key)).toEqual(['ml_labels']);
  });
});

/**
 * Every rule, shown to fail: one small tree that breaks it. Keyed by rule id, so a new rule without
 * a counter-example does not compile, and none of the architecture check's rules can pass vacuously.
 */
describe('every rule can fail', () => {
  const severity = {
    name: 'severity',
    home: 'src/common/domain/severity.ts',
    values: ['low', 'medium', 'high', 'critical'],
  };
  const counterExamples: Record<RuleId, () => Violation[]> = {
    'domain-purity': () =>
      analyse(tree({ 'src/a/domain/x.ts': "import { Injectable } from '@nestjs/common';" })).violations,
    'sql-outside-persistence': () =>
      analyse(tree({ 'src/a/x.service.ts': "q('SELECT id FROM users');" })).violations,
    'foreign-persistence': () =>
      analyse(
        tree({
          'src/a/x.service.ts': "import { R } from '../b/persistence/r.repository';",
          'src/b/persistence/r.repository.ts': 'export class R {}',
        }),
      ).violations,
    'folder-cycle': () =>
      analyse(
        tree({
          'src/a/x/p.ts': "import { q } from '../y/q';",
          'src/a/y/q.ts': "import { p } from '../x/p';",
        }),
      ).violations,
    'module-cycle': () =>
      analyse(
        tree({
          'src/a/x/p.ts': "import { q } from '../../b/q';",
          'src/b/y/q.ts': "import { p } from '../../a/r';",
        }),
      ).violations,
    'src-imports-non-product': () =>
      analyse(tree({ 'src/a/x.ts': "import { s } from '../../tools/simulation/s';" })).violations,
    'http-helpers-outside-http': () =>
      analyse(tree({ 'src/a/x.service.ts': "import { v } from '../common/http/validation';" })).violations,
    'container-lookup': () =>
      analyse(tree({ 'src/a/x.service.ts': 'this.moduleRef.get(Token, { strict: false });' })).violations,
    'vocabulary-copy': () =>
      vocabularyCopies(tree({ 'src/a/x.ts': "const S = ['critical', 'high', 'medium', 'low'];" }), [
        severity,
      ]),
    'table-writer': () =>
      tableWriters(
        tree({
          'src/a/persistence/x.repository.ts': "q('DELETE FROM t');",
          'src/b/persistence/y.repository.ts': "q('DELETE FROM t');",
        }),
        {},
      ),
  };

  it.each(Object.keys(counterExamples) as RuleId[])('%s', (rule) => {
    expect(counterExamples[rule]().filter((v) => v.rule === rule).length).toBeGreaterThan(0);
  });
});
