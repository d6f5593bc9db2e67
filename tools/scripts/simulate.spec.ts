import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventValidator } from '../../src/ingestion/dto/event-validator';
import type { GroundTruth } from '../simulation/ground-truth';
import { SCENARIO_NAMES } from '../simulation/scenarios';
import { parseSimulateArguments, runSimulate, SimulateInputError, type SimulateIo } from './simulate';

function io(env: Record<string, string> = {}): SimulateIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { env, out, err, log: (m) => out.push(m), error: (m) => err.push(m) };
}

describe('parseSimulateArguments', () => {
  it('has defaults for everything', () => {
    expect(parseSimulateArguments([], () => 1234)).toEqual({
      users: 1000,
      rate: 50,
      durationS: 60,
      scenarios: [...SCENARIO_NAMES],
      truth: undefined,
      seed: 1234,
      seedDrawn: true,
      url: 'http://127.0.0.1:3000',
      batchSize: 200,
      concurrency: 4,
      apiKey: undefined,
      maxEvents: 3000,
      out: undefined,
      dryRun: false,
    });
  });

  it('reads every option, in both spellings', () => {
    const args = parseSimulateArguments([
      '--users',
      '5000',
      '--rate=12.5',
      '--duration',
      '600',
      '--scenarios',
      'dsr_overdue,credential_stuffing',
      '--truth',
      't.json',
      '--seed=7',
      '--url',
      'http://api:3000',
      '--batch-size',
      '1000',
      '--api-key',
      'ott_x',
      '--concurrency',
      '8',
      '--max-events',
      '100',
      '--out',
      'e.ndjson',
      '--dry-run',
    ]);
    expect(args).toMatchObject({
      users: 5000,
      rate: 12.5,
      durationS: 600,
      scenarios: ['dsr_overdue', 'credential_stuffing'],
      truth: 't.json',
      seed: 7,
      seedDrawn: false,
      url: 'http://api:3000',
      batchSize: 1000,
      apiKey: 'ott_x',
      concurrency: 8,
      maxEvents: 100,
      out: 'e.ndjson',
      dryRun: true,
    });
    expect(parseSimulateArguments(['--scenarios', 'none']).scenarios).toEqual([]);
  });

  it.each([
    [['--users', '0'], /--users must be a whole number/],
    [['--rate', 'fast'], /--rate must be a number/],
    [['--batch-size', '1001'], /--batch-size must be a whole number from 1 to 1000/],
    [['--scenarios', 'dsr_overdue,bogus'], /unknown scenario 'bogus'/],
    [['--url', 'localhost:3000'], /--url must be an http\(s\) URL/],
    [['--users'], /--users needs a value/],
    [['--verbose'], /unknown argument '--verbose'/],
    [['--seed', '1', '--seed', '2'], /--seed given twice/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateArguments(argv)).toThrow(SimulateInputError);
    expect(() => parseSimulateArguments(argv)).toThrow(message);
  });
});

describe('runSimulate', () => {
  it('exits 2 on bad arguments', async () => {
    const out = io();
    expect(await runSimulate(['--rate', '-1'], out)).toBe(2);
    expect(out.err[0]).toMatch(/^simulate: --rate must be/);
  });

  it('exits 1 with a clear message when the API cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    for (const extra of [[], ['--api-key', 'ott_x']]) {
      const out = io();
      expect(await runSimulate(['--url', `http://127.0.0.1:${port}`, '--duration', '1', ...extra], out)).toBe(
        1,
      );
      expect(out.err.join('\n')).toMatch(
        new RegExp(`cannot reach http://127.0.0.1:${port}/.*ECONNREFUSED.*is the API running`),
      );
    }
  });

  it('dry-runs without a server and writes the truth file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
    const out = io();
    const code = await runSimulate(
      [
        '--dry-run',
        '--users',
        '300',
        '--rate',
        '20',
        '--duration',
        '120',
        '--seed',
        '5',
        '--truth',
        join(dir, 'truth.json'),
        '--out',
        join(dir, 'events.ndjson'),
      ],
      out,
    );
    expect(code).toBe(0);
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as GroundTruth;
    expect(Object.keys(truth)).toEqual(['generatedAt', 'seed', 'users', 'scenarios', 'cleanViewers']);
    expect(truth).toMatchObject({ seed: 5, users: 300 });
    expect(Object.keys(truth.scenarios)).toEqual([...SCENARIO_NAMES]);
    for (const s of Object.values(truth.scenarios)) {
      expect(Object.keys(s!)).toEqual(expect.arrayContaining(['viewers', 'actors', 'eventIds']));
    }
    const lines = readFileSync(join(dir, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2400);
    const sentIds = new Set(lines.map((l) => (JSON.parse(l) as { eventId: string }).eventId));
    for (const s of Object.values(truth.scenarios))
      for (const id of s!.eventIds) expect(sentIds.has(id)).toBe(true);
    const summary = out.out.join('\n');
    expect(summary).toMatch(/sent \d+, accepted \d+, duplicates 0, rejected 0/);
    expect(summary).toMatch(/credential_stuffing/);
  });

  it('logs in, creates a key and sends the stream live; refused events are left out of the truth', async () => {
    const validator = new EventValidator();
    const requests: string[] = [];
    let batches = 0;
    let refusedId: string | undefined;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push(`${req.method} ${req.url}`);
        const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(payload));
        };
        if (req.url === '/api/v1/auth/login') {
          const { email, password } = JSON.parse(body) as { email: string; password: string };
          return email === 'ops@example.com' && password === 'secret-pw'
            ? send(200, { accessToken: 't' })
            : send(401, { message: 'no' });
        }
        if (req.url === '/api/v1/admin/api-keys') return send(201, { key: 'ott_sim' });
        if (req.url !== '/api/v1/events/batch' || req.headers['x-api-key'] !== 'ott_sim')
          return send(401, { message: 'no key' });
        batches++;
        if (batches === 2) return send(429, { message: 'slow down' }, { 'retry-after': '1' });
        const { events } = JSON.parse(body) as { events: Array<{ eventId: string }> };
        const rejected: Array<{
          index: number;
          eventId: string;
          details: Array<{ field: string; problems: string[] }>;
        }> = [];
        events.forEach((e, index) => {
          const outcome = validator.validate(e);
          if (!outcome.ok)
            rejected.push({
              index,
              eventId: e.eventId,
              details: outcome.errors.map((x) => ({ field: x.field, problems: [x.message] })),
            });
        });
        if (refusedId === undefined) {
          refusedId = events[0].eventId;
          rejected.push({
            index: 0,
            eventId: refusedId,
            details: [{ field: 'eventId', problems: ['refused by the test'] }],
          });
        }
        const refused = new Set(rejected.map((r) => r.eventId));
        send(202, {
          accepted: events.map((e) => e.eventId).filter((id) => !refused.has(id)),
          duplicates: [],
          rejected,
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
      const out = io({ ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'secret-pw' });
      const code = await runSimulate(
        [
          '--url',
          `http://127.0.0.1:${port}`,
          '--users',
          '200',
          '--rate',
          '40',
          '--duration',
          '1.5',
          '--seed',
          '9',
          '--truth',
          join(dir, 't.json'),
        ],
        out,
      );
      expect(out.err).toEqual([]);
      expect(code).toBe(0);
      expect(requests.slice(0, 2)).toEqual(['POST /api/v1/auth/login', 'POST /api/v1/admin/api-keys']);
      const summary = out.out.join('\n');
      expect(summary).toMatch(/sent 60, accepted 59, duplicates 0, rejected 1/);
      expect(summary).toMatch(/throttled 1/);
      expect(summary).toMatch(/rejected {2}\S+ \(account\.created\) eventId: refused by the test/);
      const truth = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')) as GroundTruth;
      const labelled = Object.values(truth.scenarios).flatMap((s) => s!.eventIds);
      expect(labelled).not.toContain(refusedId);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
