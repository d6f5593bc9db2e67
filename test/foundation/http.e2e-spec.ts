import request from 'supertest';
import { bootTestApp, TestApp } from '../support/test-app';

describe('HTTP foundation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootTestApp({ HTTP_BODY_LIMIT_BYTES: '2048', METRICS_TOKEN: 'metrics-token-for-tests' });
  });
  afterAll(() => t.close());

  it('answers liveness', async () => {
    await request(t.http).get('/health/live').expect(200, { status: 'ok' });
  });

  it('answers readiness with both dependencies up', async () => {
    const res = await request(t.http).get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.checks.postgres.status).toBe('up');
    expect(res.body.checks.redis.status).toBe('up');
  });

  it('serves Swagger UI and the OpenAPI document listing the health endpoints', async () => {
    const doc = await request(t.http).get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    expect(doc.body.components.securitySchemes).toEqual(
      expect.objectContaining({ bearer: expect.any(Object), 'api-key': expect.any(Object) }),
    );
    const ui = await request(t.http).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers unknown routes with the one error body and echoes a request id', async () => {
    const res = await request(t.http).get('/api/v1/no-such-thing').set('X-Request-Id', 'trace-1234-abcd').expect(404);
    expect(res.headers['x-request-id']).toBe('trace-1234-abcd');
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: expect.any(String),
      requestId: 'trace-1234-abcd',
    });
  });

  it('replaces a request id that does not look like one', async () => {
    const res = await request(t.http).get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an oversized body with 413 in the error shape', async () => {
    const res = await request(t.http)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(4096) }))
      .expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await request(t.http)
      .post('/api/v1/anything')
      .set('Content-Type', 'application/json')
      .send('{"unterminated": ')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('JSON') });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('serves Prometheus metrics only with the scrape token', async () => {
    await request(t.http).get('/metrics').expect(401);
    await request(t.http).get('/metrics').set('Authorization', 'Bearer wrong-token-of-same-len').expect(401);
    const res = await request(t.http).get('/metrics').set('Authorization', 'Bearer metrics-token-for-tests').expect(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('sets hardening headers', async () => {
    const res = await request(t.http).get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('readiness with Redis unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens on this port: the API must still boot and say which dependency is down.
    t = await bootTestApp({ REDIS_URL: 'redis://127.0.0.1:6399', APP_ROLE: 'api' });
  });
  afterAll(() => t.close());

  it('answers 503 naming redis', async () => {
    const res = await request(t.http).get('/health/ready').expect(503);
    expect(res.body.checks.postgres.status).toBe('up');
    expect(res.body.checks.redis.status).toBe('down');
    expect(res.body.message).toBe('not ready: redis down');
  });
});
