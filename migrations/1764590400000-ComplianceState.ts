import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * State of the compliance stage. Each viewer's and each actor's rule state is one snapshot row
 * (the shapes of src/compliance/domain/viewer-state.ts, a viewer's split by section), read and locked
 * for all viewers of a batch in one query, written back in the batch's transaction. The relational consents, dsar_requests
 * and viewer_profiles rows of the initial schema are kept beside it for the API, the schedulers and
 * analytics. A batch id recorded in compliance_applied_batches, in the same transaction, makes a
 * re-run of a batch a no-op.
 */
export class ComplianceState1764590400000 implements MigrationInterface {
  name = 'ComplianceState1764590400000';

  async up(q: QueryRunner): Promise<void> {
    // One row per viewer, one `json` column per section of the domain's ViewerState (head: stateVersion,
    // asOf, lastLogin), so that a batch rewrites only the sections its events changed: the consent
    // ledger, most of a state's bytes, changes with one event in ten. `json`, not `jsonb`: sections are
    // always read and written whole by the stage, never queried inside by SQL, and json is kept and
    // returned as text. Rows stay inline and uncompressed up to a page (toast_tuple_target); free space
    // is left for updates in place (fillfactor).
    await q.query(`
      CREATE TABLE compliance_viewer_state (
        user_id text PRIMARY KEY,
        head json,
        profile json,
        consents json,
        dsrs json,
        signals json,
        holdings json,
        recipients json,
        login_failures json,
        countries_seen json,
        breaches json,
        as_of timestamptz,
        has_breaches boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 50, toast_tuple_target = 8160)`);
    // The whole ViewerState as one JSON document (NULL until a batch has written the viewer).
    await q.query(`
      CREATE VIEW compliance_viewer_state_json AS
      SELECT user_id, as_of, has_breaches, updated_at,
             CASE WHEN head IS NULL THEN NULL ELSE json_build_object(
               'stateVersion', head->'stateVersion', 'userId', user_id, 'asOf', head->'asOf', 'profile', profile,
               'consents', consents, 'dsrs', dsrs, 'signals', signals, 'holdings', holdings, 'recipients', recipients,
               'loginFailures', login_failures, 'countriesSeen', countries_seen, 'lastLogin', head->'lastLogin',
               'breaches', breaches) END AS state
        FROM compliance_viewer_state`);
    // The minute scheduler looks for breach notification lapses among the few states that hold one.
    await q.query(
      `CREATE INDEX compliance_viewer_state_breaches_idx ON compliance_viewer_state (user_id) WHERE has_breaches`,
    );
    await q.query(`
      CREATE TABLE compliance_actor_state (
        actor_id text PRIMARY KEY,
        state json,
        updated_at timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 80, toast_tuple_target = 8160)`);
    // A busy service account's window can reach a few hundred kB: compress it cheaply where the server can.
    await q.query(`
      DO $$ BEGIN
        ALTER TABLE compliance_actor_state ALTER COLUMN state SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
      END $$`);
    await q.query(`
      CREATE TABLE compliance_applied_batches (
        batch_id uuid PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now(),
        event_count integer NOT NULL,
        finding_count integer NOT NULL DEFAULT 0
      )`);
    // Bumped in the transaction of every rule change; workers compare it once per batch and recompile.
    await q.query(`
      CREATE TABLE compliance_rule_revision (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        revision bigint NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO compliance_rule_revision (id, revision) VALUES (true, 0)`);
    // Back-testing replays stored events in time order through a cursor; the BRIN index cannot
    // return them ordered, and sorting a million rows would not fit the time budget.
    await q.query(`CREATE INDEX processed_events_replay_idx ON processed_events (occurred_at, event_id)`);
    // The DSR scheduler pages the viewers with open requests.
    await q.query(
      `CREATE INDEX dsar_requests_open_user_idx ON dsar_requests (user_id) WHERE status IN ('open', 'paused')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS dsar_requests_open_user_idx`);
    await q.query(`DROP INDEX IF EXISTS processed_events_replay_idx`);
    await q.query(`DROP TABLE IF EXISTS compliance_rule_revision`);
    await q.query(`DROP TABLE IF EXISTS compliance_applied_batches`);
    await q.query(`DROP TABLE IF EXISTS compliance_actor_state`);
    await q.query(`DROP VIEW IF EXISTS compliance_viewer_state_json`);
    await q.query(`DROP TABLE IF EXISTS compliance_viewer_state`);
  }
}
