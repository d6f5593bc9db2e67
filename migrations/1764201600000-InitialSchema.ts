import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole schema of DESIGN §1. Hot-path tables are written with set-based SQL
 * (INSERT … SELECT FROM unnest / COPY), so their shape is chosen for those writes and the
 * analytics reads, not for ORM hydration.
 */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // ── Access: users, roles, API keys, refresh-token sessions ────────────────────────────
    await q.query(`
      CREATE TABLE roles (
        name text PRIMARY KEY,
        description text NOT NULL
      )`);
    await q.query(`
      INSERT INTO roles (name, description) VALUES
        ('admin', 'Users, roles, keys, rules and models'),
        ('compliance_officer', 'Violations, reports and rules'),
        ('analyst', 'Analytics, read-only'),
        ('auditor', 'Read-only, including the audit log'),
        ('operator', 'Queues, dead-letter replay and health'),
        ('ingest', 'Service accounts: events only, by API key')`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        display_name text NOT NULL DEFAULT '',
        password_hash text,
        is_service_account boolean NOT NULL DEFAULT false,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_lower CHECK (email = lower(email))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`
      CREATE TABLE user_roles (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role text NOT NULL REFERENCES roles(name),
        granted_by uuid REFERENCES users(id),
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, role)
      )`);
    await q.query(`CREATE INDEX user_roles_role_idx ON user_roles (role)`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_hash text NOT NULL,
        requests_per_minute integer NOT NULL DEFAULT 6000 CHECK (requests_per_minute > 0),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (key_prefix)`);
    await q.query(`CREATE INDEX api_keys_user_idx ON api_keys (user_id)`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        revoked_at timestamptz,
        created_ip text,
        user_agent text
      )`);
    await q.query(`CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash)`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);

    // ── Audit trail: append-only and hash-chained ─────────────────────────────────────────
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system')),
        actor_id text,
        action text NOT NULL,
        target_type text,
        target_id text,
        request_id text,
        ip text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, occurred_at)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id)`);
    // A trigger binds every role, the application's included; only an operator who switches
    // triggers off (session_replication_role) can alter history, and the hash chain shows it.
    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);

    // ── Events: receipts (dedup + pipeline position), raw (partitioned by day), processed ─
    await q.query(`
      CREATE TABLE pipeline_batches (
        batch_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        event_count integer NOT NULL CHECK (event_count > 0),
        stage text NOT NULL CHECK (stage IN ('reception', 'compliance', 'ml', 'violation', 'alerting', 'done')),
        status text NOT NULL CHECK (status IN ('queued', 'dead', 'done')),
        stage_entered_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        redrive_count integer NOT NULL DEFAULT 0,
        last_error text
      )`);
    // The recovery sweeper looks for batches that have sat in one stage too long.
    await q.query(`CREATE INDEX pipeline_batches_stalled_idx ON pipeline_batches (stage_entered_at) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX pipeline_batches_dead_idx ON pipeline_batches (created_at) WHERE status = 'dead'`);
    await q.query(`
      CREATE TABLE event_receipts (
        event_id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        batch_id uuid NOT NULL REFERENCES pipeline_batches(batch_id),
        source text NOT NULL
      )`);
    await q.query(`CREATE INDEX event_receipts_batch_idx ON event_receipts (batch_id)`);
    await q.query(`
      CREATE TABLE raw_events (
        event_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        user_id text NOT NULL,
        payload jsonb NOT NULL,
        PRIMARY KEY (occurred_at, event_id)
      ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE INDEX raw_events_user_idx ON raw_events (user_id, occurred_at)`);
    // Partition upkeep lives in the database so the migration, the scheduler job and an
    // operator's psql all do the same thing. Day partitions are named raw_events_pYYYYMMDD (UTC).
    await q.query(`
      CREATE FUNCTION ensure_raw_event_partitions(from_day date, to_day date) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        d date := from_day;
        created integer := 0;
        part text;
      BEGIN
        WHILE d <= to_day LOOP
          part := 'raw_events_p' || to_char(d, 'YYYYMMDD');
          IF to_regclass(part) IS NULL THEN
            EXECUTE format(
              'CREATE TABLE IF NOT EXISTS %I PARTITION OF raw_events FOR VALUES FROM (%L) TO (%L)',
              part, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
          END IF;
          d := d + 1;
        END LOOP;
        RETURN created;
      END $$`);
    await q.query(`
      CREATE FUNCTION drop_raw_event_partitions_before(cutoff date) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        r record;
        dropped integer := 0;
      BEGIN
        FOR r IN
          SELECT c.relname FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname = 'raw_events' AND c.relname ~ '^raw_events_p[0-9]{8}$'
            AND to_date(substr(c.relname, 13), 'YYYYMMDD') < cutoff
        LOOP
          EXECUTE format('DROP TABLE %I', r.relname);
          dropped := dropped + 1;
        END LOOP;
        RETURN dropped;
      END $$`);
    await q.query(`SELECT ensure_raw_event_partitions((now() AT TIME ZONE 'UTC')::date - 1, (now() AT TIME ZONE 'UTC')::date + 7)`);

    await q.query(`
      CREATE TABLE processed_events (
        event_id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        type text NOT NULL,
        user_id text NOT NULL,
        actor_type text NOT NULL,
        actor_id text,
        country char(2),
        ip_prefix cidr,
        device_type text,
        os text,
        browser text,
        device_id text,
        session_id text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX processed_events_user_time_idx ON processed_events (user_id, occurred_at)`);
    await q.query(`CREATE INDEX processed_events_time_idx ON processed_events USING brin (occurred_at)`);
    await q.query(`CREATE INDEX processed_events_actor_idx ON processed_events (actor_id, occurred_at) WHERE actor_type IN ('staff', 'service')`);

    // ── Compliance state and rules ─────────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE viewer_profiles (
        user_id text PRIMARY KEY,
        country char(2),
        birth_year smallint,
        age_band text,
        age_verified boolean NOT NULL DEFAULT false,
        parental_consent_verified boolean NOT NULL DEFAULT false,
        parental_scopes text[] NOT NULL DEFAULT '{}',
        created_at timestamptz,
        closed_at timestamptz,
        last_activity_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE consents (
        event_id uuid PRIMARY KEY,
        user_id text NOT NULL,
        purpose text NOT NULL,
        state text NOT NULL CHECK (state IN ('granted', 'withdrawn')),
        basis text NOT NULL CHECK (basis IN ('consent', 'legitimate_interest')),
        notice_version text,
        separate_form boolean NOT NULL DEFAULT false,
        explicit boolean NOT NULL DEFAULT false,
        expires_at timestamptz,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX consents_ledger_idx ON consents (user_id, purpose, occurred_at DESC)`);
    await q.query(`
      CREATE TABLE dsar_requests (
        request_id text PRIMARY KEY,
        user_id text NOT NULL,
        type text NOT NULL,
        jurisdiction text NOT NULL,
        calendar text NOT NULL,
        opened_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        extension_notified_at timestamptz,
        pauses jsonb NOT NULL DEFAULT '[]'::jsonb,
        completed_at timestamptz,
        refused_at timestamptz,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paused', 'completed', 'refused')),
        overdue_flagged_at timestamptz,
        opened_event_id uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX dsar_requests_user_idx ON dsar_requests (user_id)`);
    await q.query(`CREATE INDEX dsar_requests_due_idx ON dsar_requests (due_at) WHERE status IN ('open', 'paused')`);
    await q.query(`
      CREATE TABLE compliance_rules (
        rule_id text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        framework text NOT NULL,
        reference text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        title text NOT NULL,
        description text NOT NULL,
        remediation text NOT NULL,
        triggers text[] NOT NULL,
        definition jsonb NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        is_current boolean NOT NULL DEFAULT true,
        created_by text NOT NULL DEFAULT 'seed',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rule_id, version)
      )`);
    await q.query(`CREATE UNIQUE INDEX compliance_rules_current_key ON compliance_rules (rule_id) WHERE is_current`);
    await q.query(`CREATE INDEX compliance_rules_framework_idx ON compliance_rules (framework) WHERE is_current`);
    await q.query(`
      CREATE TABLE findings (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dedup_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('compliance', 'ml', 'security')),
        event_id uuid,
        user_id text NOT NULL,
        rule_id text NOT NULL,
        rule_version text NOT NULL,
        framework text NOT NULL,
        reference text,
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        explanation text NOT NULL,
        evidence_event_ids uuid[] NOT NULL DEFAULT '{}',
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One finding per (event, rule version) or per scheduler check: retries write nothing twice.
    await q.query(`CREATE UNIQUE INDEX findings_dedup_key ON findings (dedup_key)`);
    await q.query(`CREATE INDEX findings_event_idx ON findings (event_id)`);
    await q.query(`CREATE INDEX findings_user_idx ON findings (user_id, occurred_at)`);
    await q.query(`CREATE INDEX findings_rule_idx ON findings (rule_id, occurred_at)`);

    // ── ML: risk state, snapshots for training, segments, model registry ───────────────────
    await q.query(`
      CREATE TABLE ml_models (
        version integer PRIMARY KEY,
        algorithm text NOT NULL,
        parameters jsonb NOT NULL,
        training_window_start timestamptz,
        training_window_end timestamptz,
        sample_size integer NOT NULL CHECK (sample_size >= 0),
        metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
        artifact jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        active boolean NOT NULL DEFAULT false,
        activated_at timestamptz
      )`);
    // At most one active model; activation flips both rows in one transaction.
    await q.query(`CREATE UNIQUE INDEX ml_models_one_active ON ml_models (active) WHERE active`);
    await q.query(`
      CREATE TABLE user_risk (
        user_id text PRIMARY KEY,
        score double precision NOT NULL CHECK (score >= 0 AND score <= 1),
        model_version integer REFERENCES ml_models(version),
        detector text NOT NULL,
        factors jsonb NOT NULL,
        contributions jsonb NOT NULL,
        scored_at timestamptz NOT NULL,
        last_event_id uuid
      )`);
    await q.query(`CREATE INDEX user_risk_score_idx ON user_risk (score DESC)`);
    await q.query(`
      CREATE TABLE user_risk_snapshots (
        user_id text NOT NULL,
        taken_at timestamptz NOT NULL,
        factors double precision[] NOT NULL,
        score double precision,
        model_version integer REFERENCES ml_models(version),
        PRIMARY KEY (user_id, taken_at)
      )`);
    await q.query(`CREATE INDEX user_risk_snapshots_time_idx ON user_risk_snapshots USING brin (taken_at)`);
    await q.query(`
      CREATE TABLE user_segments (
        user_id text PRIMARY KEY,
        risk_tier text NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high', 'critical')),
        behaviour_segment text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX user_segments_tier_idx ON user_segments (risk_tier)`);

    // ── Violations and their case history ──────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE violations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedup_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('compliance', 'ml', 'security')),
        rule_id text NOT NULL,
        rule_version text NOT NULL,
        framework text NOT NULL,
        reference text,
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        user_id text NOT NULL,
        status text NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive')),
        first_seen timestamptz NOT NULL,
        last_seen timestamptz NOT NULL,
        occurrence_count integer NOT NULL DEFAULT 1 CHECK (occurrence_count > 0),
        evidence_event_ids uuid[] NOT NULL DEFAULT '{}',
        max_risk_score double precision,
        assigned_to uuid REFERENCES users(id),
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One open (not yet closed) violation per dedup key: repeats update it instead of adding rows.
    await q.query(`CREATE UNIQUE INDEX violations_open_key ON violations (dedup_key) WHERE status IN ('open', 'acknowledged')`);
    await q.query(`CREATE INDEX violations_list_idx ON violations (status, severity, last_seen DESC)`);
    await q.query(`CREATE INDEX violations_framework_idx ON violations (framework, first_seen)`);
    await q.query(`CREATE INDEX violations_user_idx ON violations (user_id, first_seen)`);
    await q.query(`CREATE INDEX violations_rule_idx ON violations (rule_id, first_seen)`);
    await q.query(`
      CREATE TABLE violation_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        violation_id uuid NOT NULL REFERENCES violations(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        from_status text,
        to_status text,
        comment text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX violation_history_violation_idx ON violation_history (violation_id, at)`);

    // ── Alerting: channels, routes, alerts, delivery attempts ──────────────────────────────
    await q.query(`
      CREATE TABLE alert_channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        type text NOT NULL CHECK (type IN ('webhook', 'slack', 'email')),
        target text NOT NULL,
        secret text,
        enabled boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE alert_routes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        min_severity text NOT NULL CHECK (min_severity IN ('low', 'medium', 'high', 'critical')),
        frameworks text[] NOT NULL DEFAULT '{}',
        rule_ids text[] NOT NULL DEFAULT '{}',
        channel_ids uuid[] NOT NULL,
        suppression_window_seconds integer NOT NULL DEFAULT 900 CHECK (suppression_window_seconds >= 0),
        enabled boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        violation_id uuid NOT NULL REFERENCES violations(id),
        dedup_key text NOT NULL,
        reason text NOT NULL CHECK (reason IN ('new', 'escalated', 'reopened', 'unacknowledged', 'test')),
        severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        suppressed_count integer NOT NULL DEFAULT 0,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        window_ends_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX alerts_dedup_key ON alerts (dedup_key)`);
    await q.query(`CREATE INDEX alerts_violation_idx ON alerts (violation_id, created_at)`);
    await q.query(`CREATE INDEX alerts_created_idx ON alerts (created_at DESC)`);
    await q.query(`
      CREATE TABLE alert_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES alert_channels(id),
        message_id text NOT NULL,
        attempt integer NOT NULL CHECK (attempt > 0),
        status text NOT NULL CHECK (status IN ('delivered', 'failed', 'dead')),
        http_status integer,
        latency_ms integer,
        error text,
        attempted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id, attempted_at)`);

    // ── Rollups maintained by the pipeline: analytics never scans raw events ──────────────
    await q.query(`
      CREATE TABLE rollup_events_hourly (
        hour timestamptz NOT NULL,
        event_type text NOT NULL,
        country text NOT NULL DEFAULT '--',
        event_count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, event_type, country)
      )`);
    await q.query(`
      CREATE TABLE rollup_findings_daily (
        day date NOT NULL,
        kind text NOT NULL,
        framework text NOT NULL,
        severity text NOT NULL,
        finding_count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, kind, framework, severity)
      )`);
    await q.query(`
      CREATE TABLE rollup_violations_daily (
        day date NOT NULL,
        framework text NOT NULL,
        severity text NOT NULL,
        opened_count bigint NOT NULL DEFAULT 0,
        resolved_count bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, framework, severity)
      )`);
    await q.query(`
      CREATE TABLE rollup_user_risk_daily (
        day date NOT NULL,
        user_id text NOT NULL,
        max_score double precision NOT NULL,
        last_score double precision NOT NULL,
        PRIMARY KEY (user_id, day)
      )`);
    await q.query(`
      CREATE TABLE rollup_stage_latency_minutely (
        minute timestamptz NOT NULL,
        stage text NOT NULL,
        batches bigint NOT NULL DEFAULT 0,
        events bigint NOT NULL DEFAULT 0,
        total_ms double precision NOT NULL DEFAULT 0,
        max_ms double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (minute, stage)
      )`);

    // ── Reports ────────────────────────────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('executive', 'compliance', 'performance')),
        format text NOT NULL CHECK (format IN ('json', 'csv', 'pdf')),
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        error text,
        content_type text,
        content bytea,
        CHECK (period_end > period_start)
      )`);
    await q.query(`CREATE INDEX reports_created_idx ON reports (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    const tables = [
      'reports',
      'rollup_stage_latency_minutely',
      'rollup_user_risk_daily',
      'rollup_violations_daily',
      'rollup_findings_daily',
      'rollup_events_hourly',
      'alert_deliveries',
      'alerts',
      'alert_routes',
      'alert_channels',
      'violation_history',
      'violations',
      'user_segments',
      'user_risk_snapshots',
      'user_risk',
      'ml_models',
      'findings',
      'compliance_rules',
      'dsar_requests',
      'consents',
      'viewer_profiles',
      'processed_events',
      'raw_events',
      'event_receipts',
      'pipeline_batches',
      'audit_log',
      'refresh_tokens',
      'api_keys',
      'user_roles',
      'users',
      'roles',
    ];
    for (const table of tables) await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    await q.query(`DROP FUNCTION IF EXISTS drop_raw_event_partitions_before(date)`);
    await q.query(`DROP FUNCTION IF EXISTS ensure_raw_event_partitions(date, date)`);
    await q.query(`DROP FUNCTION IF EXISTS audit_log_refuse_change()`);
  }
}
