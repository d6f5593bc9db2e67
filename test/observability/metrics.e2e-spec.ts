import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { makeEvent } from '../support/events';
import { itWithTool } from '../support/required-tool';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';

const TOKEN = 'metrics-token-for-observability-tests';

describe('Prometheus metrics', () => {
  let t: TestApp;
  let text: string;

  beforeAll(async () => {
    t = await bootTestApp({ METRICS_TOKEN: TOKEN });
    const admin = await tokenFor(t.app, [Role.Admin]);
    const key = (await request(t.http).post('/api/v1/admin/api-keys').set('Authorization', `Bearer ${admin}`).send({ name: 'metrics' })).body.key;
    const attack = makeEvent('playback.started', { userAgent: "x' OR 1=1 --" });
    const res = await request(t.http).post('/api/v1/events/batch').set('X-API-Key', key).send({ events: [attack, makeEvent(), { type: 'broken' }] }).expect(202);
    const ds = t.app.get(DataSource);
    await waitFor(
      async () => (await ds.query(`SELECT status FROM pipeline_batches b JOIN event_receipts r USING (batch_id) WHERE r.event_id = $1`, [res.body.accepted[0]]))[0]?.status,
      (status) => status === 'done',
    );
    await request(t.http).get(`/api/v1/events/${attack.eventId}`).set('X-API-Key', key).expect(200);
    text = (await request(t.http).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;
  });
  afterAll(() => t.close());

  it('exports the pipeline, ingestion, queue and HTTP metrics with bounded labels', () => {
    expect(text).toMatch(/ott_events_ingested_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/ott_events_ingested_total\{outcome="rejected"\} [1-9]/);
    for (const stage of ['reception', 'compliance', 'ml', 'violation', 'alerting']) {
      expect(text).toMatch(new RegExp(`ott_stage_batch_duration_seconds_count\\{stage="${stage}"\\} [1-9]`));
    }
    expect(text).toMatch(/ott_pipeline_end_to_end_latency_seconds_count [1-9]/);
    expect(text).toMatch(/ott_queue_jobs\{queue="dead-letter",state="wait"\} \d/);
    expect(text).toMatch(/ott_dead_letter_batches \d/);
    expect(text).toMatch(/ott_findings_total\{kind="security",framework="SECURITY",severity="\w+"\} [1-9]/);
    // Route templates, never raw paths with ids in them.
    expect(text).toContain('route="/api/v1/events/:eventId"');
    expect(text).not.toMatch(/route="\/api\/v1\/events\/[0-9a-f]{8}-/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('exports every metric the provisioned Grafana dashboards query', () => {
    const dir = join(__dirname, '../../grafana/dashboards');
    const boards = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(boards.sort()).toEqual(['api.json', 'compliance.json', 'ml.json', 'pipeline.json', 'security.json']);
    const exported = new Set([...text.matchAll(/^# HELP (\S+)/gm)].map((m) => m[1]));
    const missing: string[] = [];
    for (const board of boards) {
      const dashboard = JSON.parse(readFileSync(join(dir, board), 'utf8'));
      expect(dashboard.panels.length).toBeGreaterThan(0);
      for (const panel of dashboard.panels) {
        expect(panel.targets.length).toBeGreaterThan(0);
        for (const target of panel.targets) {
          const names = [...String(target.expr).matchAll(/\b((?:ott|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]);
          expect(names.length).toBeGreaterThan(0);
          for (const name of names) {
            const base = name.replace(/_(bucket|count|sum)$/, '');
            if (!exported.has(name) && !exported.has(base)) missing.push(`${board} "${panel.title}": ${name}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  // .ci/run installs Debian's prometheus package; a developer machine may not have it.
  itWithTool('promtool')('passes promtool check metrics without warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metrics-'));
    writeFileSync(join(dir, 'metrics.txt'), text);
    const result = spawnSync('sh', ['-c', `promtool check metrics < ${join(dir, 'metrics.txt')}`], { encoding: 'utf8' });
    if (result.stdout + result.stderr) console.log(result.stdout + result.stderr);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
