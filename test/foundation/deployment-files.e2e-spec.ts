import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// No Docker engine runs where the tests run, so the compose file is checked by reading it,
// as a user's `docker compose config` would.
describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'));
  const services = compose.services;

  it('has the database, cache, app, a scalable worker, Prometheus and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'grafana', 'postgres', 'prometheus', 'redis', 'worker']);
  });

  it('runs PostgreSQL 15+ and Redis 7+ with AOF persistence, each with a volume and a health check', () => {
    expect(Number(/postgres:(\d+)/.exec(services.postgres.image)?.[1])).toBeGreaterThanOrEqual(15);
    expect(Number(/redis:(\d+)/.exec(services.redis.image)?.[1])).toBeGreaterThanOrEqual(7);
    expect(services.redis.command.join(' ')).toMatch(/--appendonly yes/);
    for (const name of ['postgres', 'redis', 'prometheus', 'grafana']) {
      expect(services[name].volumes?.length).toBeGreaterThan(0);
      expect(services[name].healthcheck?.test).toBeDefined();
    }
    expect(compose.volumes).toEqual(
      expect.objectContaining({ 'postgres-data': null, 'redis-data': null, 'prometheus-data': null, 'grafana-data': null }),
    );
  });

  it('builds the app from the Dockerfile, waits for healthy dependencies and exposes port 3000', () => {
    expect(services.app.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(services.app.ports).toContain('3000:3000');
    expect(services.app.depends_on.postgres.condition).toBe('service_healthy');
    expect(services.app.depends_on.redis.condition).toBe('service_healthy');
    expect(services.app.healthcheck.test.join(' ')).toContain('/health/ready');
    expect(services.app.environment.DATABASE_URL).toContain('@postgres:5432/');
    expect(services.app.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(services.app.environment.NODE_ENV).toBe('production');
  });

  it('runs workers as their own service with APP_ROLE=worker', () => {
    expect(services.worker.environment.APP_ROLE).toBe('worker');
    expect(services.worker.environment.WORKER_STAGES).toBeDefined();
  });

  it('never puts a secret in the file: secrets come from the environment', () => {
    const text = read('docker-compose.yml');
    for (const key of ['POSTGRES_PASSWORD', 'JWT_SECRET', 'ADMIN_PASSWORD', 'METRICS_TOKEN', 'GRAFANA_ADMIN_PASSWORD']) {
      const assignments = text.split('\n').filter((line) => line.trim().startsWith(`${key}:`));
      for (const line of assignments) expect(line).toMatch(/\$\{/);
    }
  });

  it('mounts prometheus.yml and the Grafana provisioning that exist in the repo', () => {
    expect(services.prometheus.volumes).toContain('./prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const prometheus = parse(read('prometheus.yml'));
    expect(prometheus.scrape_configs[0].static_configs[0].targets).toEqual(['app:3000']);
    expect(prometheus.scrape_configs[0].metrics_path).toBe('/metrics');
    const datasource = parse(read('grafana/provisioning/datasources/prometheus.yml'));
    expect(datasource.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const users = dockerfile.match(/^USER (\S+)/gm) ?? [];
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/USER (root|0)$/);
    expect(dockerfile).toMatch(/FROM node:20/);
  });
});

describe('.env.example', () => {
  it('lists every variable the configuration reads', () => {
    const example = read('.env.example');
    const source = read('src/config/app-config.ts');
    const readVariables = [...source.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((m) => m[1]);
    expect(readVariables.length).toBeGreaterThan(15);
    for (const name of readVariables) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
