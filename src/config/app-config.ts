import ipaddr from 'ipaddr.js';

/**
 * The one place that reads process.env. Everything else receives an AppConfig.
 * Parsing is a plain function so tests exercise it without booting Nest.
 */
export const APP_ROLES = ['api', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const PIPELINE_STAGES = ['reception', 'compliance', 'ml', 'violation', 'alerting'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export interface AppConfig {
  nodeEnv: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  appRole: AppRole;
  workerStages: PipelineStage[];
  logLevel: LogLevel;
  jwt: { secret: string; issuer: string; audience: string; accessTtlSeconds: number; refreshTtlSeconds: number };
  admin: { email: string; password: string };
  http: { bodyLimitBytes: number; corsOrigins: string[]; trustProxy: string[] };
  metricsToken: string | undefined;
  /** How often an open SSE stream re-checks its session (disabled user, revoked session, logout). */
  streamSessionCheckMs: number;
  throttle: { perIpPerHour: number; loginPerMinute: number };
  ingest: {
    groupCommitWindowMs: number;
    groupCommitMaxEvents: number;
    groupCommitConcurrency: number;
    batchTargetEvents: number;
    batchMaxWaitMs: number;
  };
  rawEventRetentionDays: number;
  partitionsAheadDays: number;
  /** A batch idle in one stage this long is re-driven by the recovery sweeper. */
  stallAfterMs: number;
  /** How often the recovery sweeper looks for stalled batches. */
  sweepIntervalMs: number;
  workerConcurrency: number;
  violations: {
    /** A finding joins an open violation of its rule and viewer when it is this close to it. */
    windowSeconds: number;
    /** Most evidence event ids kept on one violation (the most recent). */
    evidenceLimit: number;
    /** Each threshold of occurrences reached raises the severity one level. */
    escalateAtOccurrences: number[];
    /** ML risk score at or above which a violation is at least high / critical. */
    riskHigh: number;
    riskCritical: number;
  };
  alerting: {
    /** A critical violation still open (not acknowledged) this long is escalated. */
    unackDeadlineSeconds: number;
    /** Suppression window of an alert no route matched (routes carry their own). */
    defaultSuppressionSeconds: number;
    deliveryAttempts: number;
    deliveryBackoffMs: number;
    deliveryTimeoutMs: number;
    /** Hosts, IPs and CIDRs webhooks may reach although they are private, loopback, … */
    webhookAllowlist: string[];
    smtpUrl: string | undefined;
    smtpFrom: string;
  };
  ml: {
    /** Risk (0..1) from which a viewer gets an anomaly finding; also where the `high` tier starts. */
    alertThreshold: number;
    /** At most one training snapshot per viewer per this many minutes. */
    snapshotIntervalMinutes: number;
    /** A viewer's rolling factor state expires from Redis this long after their last event. */
    stateTtlDays: number;
    /** Cron pattern for scheduled retraining (an inactive candidate model); undefined = only on request. */
    trainingCron: string | undefined;
  };
  /** Budgets that keep a costly rule from stalling a process. */
  rules: {
    /** Evaluation time one rule may spend on one compliance batch before it is skipped for the rest of it. */
    budgetMsPerBatch: number;
    /** Wall-clock time of one back-test run (its worker thread is terminated past it). */
    backtestTimeBudgetMs: number;
    /** Heap of one back-test's worker thread, in MB. */
    backtestMemoryMb: number;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

/** Secrets that ship in .env.example or docs; production refuses them. */
const WELL_KNOWN_SECRETS = new Set([
  'change-me',
  'changeme',
  'secret',
  'dev-only-jwt-secret-change-me-0123456789',
  'admin',
  'password',
  'Admin123!',
  'dev-only-Admin-password-1',
]);

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.string('NODE_ENV', 'development');
  const production = nodeEnv === 'production';

  const config: AppConfig = {
    nodeEnv,
    port: read.integer('PORT', 3000, 1, 65535),
    databaseUrl: read.url('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/ott_compliance', ['postgres:', 'postgresql:']),
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 20, 1, 500),
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: read.pattern('QUEUE_PREFIX', 'ott', /^[A-Za-z0-9_{}:-]{1,64}$/, 'letters, digits, _ - : { } (max 64)'),
    appRole: read.oneOf('APP_ROLE', APP_ROLES, 'all'),
    workerStages: read.list('WORKER_STAGES', PIPELINE_STAGES, [...PIPELINE_STAGES]),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    jwt: {
      secret: read.secret('JWT_SECRET', 'dev-only-jwt-secret-change-me-0123456789', production, 32),
      issuer: read.string('JWT_ISSUER', 'ott-compliance'),
      audience: read.string('JWT_AUDIENCE', 'ott-compliance-api'),
      accessTtlSeconds: read.integer('JWT_ACCESS_TTL_SECONDS', 900, 60, 86_400),
      refreshTtlSeconds: read.integer('JWT_REFRESH_TTL_SECONDS', 14 * 86_400, 300, 90 * 86_400),
    },
    admin: {
      email: read.email('ADMIN_EMAIL', 'admin@example.com'),
      password: read.secret('ADMIN_PASSWORD', 'dev-only-Admin-password-1', production, 12),
    },
    http: {
      bodyLimitBytes: read.integer('HTTP_BODY_LIMIT_BYTES', 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
      corsOrigins: read.csv('CORS_ORIGINS', []),
      trustProxy: read.csv('TRUSTED_PROXIES', []),
    },
    metricsToken: read.optionalSecret('METRICS_TOKEN', production, 16),
    streamSessionCheckMs: read.integer('STREAM_SESSION_CHECK_MS', 5000, 50, 5000),
    throttle: {
      perIpPerHour: read.integer('THROTTLE_PER_IP_PER_HOUR', 10_000, 1, 100_000_000),
      loginPerMinute: read.integer('THROTTLE_LOGIN_PER_MINUTE', 10, 1, 10_000),
    },
    ingest: {
      groupCommitWindowMs: read.integer('GROUP_COMMIT_WINDOW_MS', 3, 0, 1000),
      groupCommitMaxEvents: read.integer('GROUP_COMMIT_MAX_EVENTS', 1000, 1, 10_000),
      groupCommitConcurrency: read.integer('GROUP_COMMIT_CONCURRENCY', 2, 1, 64),
      batchTargetEvents: read.integer('PIPELINE_BATCH_EVENTS', 500, 1, 10_000),
      batchMaxWaitMs: read.integer('PIPELINE_BATCH_WAIT_MS', 100, 0, 10_000),
    },
    rawEventRetentionDays: read.integer('RAW_EVENT_RETENTION_DAYS', 400, 1, 36_500),
    partitionsAheadDays: read.integer('PARTITIONS_AHEAD_DAYS', 7, 1, 90),
    stallAfterMs: read.integer('STALL_AFTER_MS', 60_000, 500, 3_600_000),
    sweepIntervalMs: read.integer('SWEEP_INTERVAL_MS', 15_000, 500, 3_600_000),
    workerConcurrency: read.integer('WORKER_CONCURRENCY', 2, 1, 64),
    violations: {
      windowSeconds: read.integer('VIOLATION_WINDOW_SECONDS', 86_400, 1, 90 * 86_400),
      evidenceLimit: read.integer('VIOLATION_EVIDENCE_LIMIT', 100, 1, 10_000),
      escalateAtOccurrences: read.ascendingIntegers('VIOLATION_ESCALATE_AT_OCCURRENCES', [10, 100, 1000]),
      riskHigh: read.fraction('VIOLATION_RISK_HIGH', 0.8),
      riskCritical: read.fraction('VIOLATION_RISK_CRITICAL', 0.95),
    },
    alerting: {
      unackDeadlineSeconds: read.integer('ALERT_UNACK_DEADLINE_SECONDS', 900, 1, 30 * 86_400),
      defaultSuppressionSeconds: read.integer('ALERT_SUPPRESSION_SECONDS', 900, 0, 30 * 86_400),
      deliveryAttempts: read.integer('ALERT_DELIVERY_ATTEMPTS', 6, 1, 50),
      deliveryBackoffMs: read.integer('ALERT_DELIVERY_BACKOFF_MS', 2000, 10, 3_600_000),
      deliveryTimeoutMs: read.integer('ALERT_DELIVERY_TIMEOUT_MS', 10_000, 100, 120_000),
      webhookAllowlist: read.hostsAndCidrs('WEBHOOK_ALLOWLIST'),
      smtpUrl: read.optionalUrl('SMTP_URL', ['smtp:', 'smtps:']),
      smtpFrom: read.string('SMTP_FROM', 'alerts@ott-compliance.invalid'),
    },
    ml: {
      alertThreshold: read.fraction('ML_ALERT_THRESHOLD', 0.95),
      snapshotIntervalMinutes: read.integer('ML_SNAPSHOT_INTERVAL_MINUTES', 15, 1, 1440),
      stateTtlDays: read.integer('ML_STATE_TTL_DAYS', 30, 1, 365),
      trainingCron: read.string('ML_TRAINING_CRON', '') || undefined,
    },
    rules: {
      budgetMsPerBatch: read.integer('RULE_BUDGET_MS_PER_BATCH', 1000, 1, 600_000),
      backtestTimeBudgetMs: read.integer('BACKTEST_TIME_BUDGET_MS', 120_000, 10, 3_600_000),
      backtestMemoryMb: read.integer('BACKTEST_MEMORY_MB', 256, 32, 16_384),
    },
  };
  if (config.ml.trainingCron !== undefined && !/^\S+( \S+){4,5}$/.test(config.ml.trainingCron)) {
    throw new ConfigError('ML_TRAINING_CRON', `must be a cron pattern of 5 or 6 fields, got "${config.ml.trainingCron}"`);
  }
  if (config.violations.riskHigh > config.violations.riskCritical) {
    throw new ConfigError('VIOLATION_RISK_HIGH', `must not exceed VIOLATION_RISK_CRITICAL (${config.violations.riskCritical})`);
  }
  return config;
}

class EnvReader {
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
    const parsed = Number(value);
    if (parsed < min || parsed > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${parsed}`);
    return parsed;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const value = this.raw(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ConfigError(name, `must be a URL (${protocols.join(' or ')}//…), got "${redact(value)}"`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return value;
  }

  pattern(name: string, fallback: string, re: RegExp, description: string): string {
    const value = this.raw(name) ?? fallback;
    if (!re.test(value)) throw new ConfigError(name, `must be ${description}, got "${value}"`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
    }
    return value as T;
  }

  list<T extends string>(name: string, allowed: readonly T[], fallback: T[]): T[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    const unknown = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (unknown.length > 0 || items.length === 0) {
      throw new ConfigError(name, `must be a comma-separated list of ${allowed.join(', ')}, got "${value}"`);
    }
    return [...new Set(items)] as T[];
  }

  /** A number in [0, 1]. */
  fraction(name: string, fallback: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\d*\.?\d+$/.test(value) || parsed > 1) throw new ConfigError(name, `must be a number between 0 and 1, got "${value}"`);
    return parsed;
  }

  /** Comma-separated positive whole numbers in ascending order. */
  ascendingIntegers(name: string, fallback: number[]): number[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    const parsed = items.map(Number);
    const valid = items.every((item) => /^\d+$/.test(item)) && parsed.every((n, i) => n > 0 && (i === 0 || n > parsed[i - 1]));
    if (!valid) throw new ConfigError(name, `must be ascending positive whole numbers separated by commas, got "${value}"`);
    return parsed;
  }

  /** Host names, IP addresses and CIDR ranges, comma-separated. */
  hostsAndCidrs(name: string): string[] {
    const items = this.csv(name, []);
    for (const item of items) {
      const cidr = /^([^/]+)\/(\d{1,3})$/.exec(item);
      const ok = cidr
        ? ipaddr.isValid(cidr[1]) && Number(cidr[2]) <= (ipaddr.parse(cidr[1]).kind() === 'ipv4' ? 32 : 128)
        : ipaddr.isValid(item) || /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(item);
      if (!ok) throw new ConfigError(name, `must list host names, IP addresses or CIDR ranges, got "${item}"`);
    }
    return items.map((item) => item.toLowerCase());
  }

  optionalUrl(name: string, protocols: string[]): string | undefined {
    return this.raw(name) === undefined ? undefined : this.url(name, '', protocols);
  }

  csv(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value.split(',').map((item) => item.trim()).filter(Boolean);
  }

  email(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new ConfigError(name, `must be an e-mail address, got "${value}"`);
    return value.toLowerCase();
  }

  secret(name: string, devFallback: string, production: boolean, minLength: number): string {
    const value = this.raw(name);
    if (value === undefined) {
      if (production) throw new ConfigError(name, 'is required when NODE_ENV=production');
      return devFallback;
    }
    if (production && WELL_KNOWN_SECRETS.has(value)) {
      throw new ConfigError(name, 'is a well-known default; set a secret of your own in production');
    }
    if (value.length < minLength) throw new ConfigError(name, `must be at least ${minLength} characters long`);
    return value;
  }

  optionalSecret(name: string, production: boolean, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    return this.secret(name, value, production, minLength);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
