import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/ott_compliance');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.appRole).toBe('all');
    expect(config.workerStages).toEqual(['reception', 'compliance', 'ml', 'violation', 'alerting']);
    expect(config.logLevel).toBe('info');
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 1 and 65535/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must use postgres:/],
    ['REDIS_URL', 'http://localhost', /REDIS_URL must use redis:/],
    ['APP_ROLE', 'web', /APP_ROLE must be one of api, worker, all/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['WORKER_STAGES', 'compliance,billing', /WORKER_STAGES must be a comma-separated list/],
    ['ADMIN_EMAIL', 'nobody', /ADMIN_EMAIL must be an e-mail address/],
    ['JWT_SECRET', 'short', /JWT_SECRET must be at least 32 characters/],
  ])('refuses %s=%s with a line naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('parses the worker stage list', () => {
    expect(loadConfig({ APP_ROLE: 'worker', WORKER_STAGES: 'compliance, ml' }).workerStages).toEqual(['compliance', 'ml']);
  });

  describe('in production', () => {
    const strong = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(48), ADMIN_PASSWORD: 'a-Long-unique-passphrase-9' };

    it('starts with secrets of its own', () => {
      expect(loadConfig(strong).jwt.secret).toBe('x'.repeat(48));
    });

    it('refuses a missing JWT secret', () => {
      expect(() => loadConfig({ ...strong, JWT_SECRET: undefined })).toThrow(/JWT_SECRET is required when NODE_ENV=production/);
    });

    it('refuses the well-known default secrets', () => {
      expect(() => loadConfig({ ...strong, JWT_SECRET: 'dev-only-jwt-secret-change-me-0123456789' })).toThrow(
        /JWT_SECRET is a well-known default/,
      );
      expect(() => loadConfig({ ...strong, ADMIN_PASSWORD: 'dev-only-Admin-password-1' })).toThrow(
        /ADMIN_PASSWORD is a well-known default/,
      );
    });
  });
});
