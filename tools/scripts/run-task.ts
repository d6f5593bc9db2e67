/**
 * Runs scheduled tasks now, one after the other, through the API (POST /api/v1/pipeline/tasks/:name/run)
 * as the admin, and waits for each to finish on a worker:
 *
 *   node dist/tools/scripts/run-task.js compliance-deadlines violation-sweep [--api http://127.0.0.1:3000]
 *
 * The demo (scripts/up.sh) uses it so that a one-minute run sees the DSR deadline check and what
 * follows from it, instead of waiting for their next tick. Exits 1 if a task fails or does not finish.
 */
import { loadConfig } from '../../src/config/app-config';
import { IngestClient } from '../simulation/ingest-client';

interface TaskRun {
  runId: string;
  task: string;
  state: string;
  result: unknown;
  error: string | null;
}

async function main(): Promise<void> {
  const apiIndex = process.argv.indexOf('--api');
  const api = apiIndex >= 0 ? process.argv[apiIndex + 1] : 'http://127.0.0.1:3000';
  const tasks = process.argv.slice(2).filter((a, i, all) => a !== '--api' && all[i - 1] !== '--api');
  if (tasks.length === 0) throw new Error('usage: run-task <task> [<task>…] [--api URL]; GET /api/v1/pipeline/tasks lists them');
  const client = new IngestClient(api);
  const { admin } = loadConfig();
  const token = await client.login(admin.email, admin.password);
  for (const task of tasks) {
    const started = Date.now();
    let run = await client.authorized<TaskRun>('POST', `/pipeline/tasks/${encodeURIComponent(task)}/run`, token);
    while (run.state !== 'completed' && run.state !== 'failed') {
      if (Date.now() - started > 60_000) throw new Error(`task ${task} did not finish within 60 s (state ${run.state})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = await client.authorized<TaskRun>('GET', `/pipeline/tasks/runs/${encodeURIComponent(run.runId)}`, token);
    }
    if (run.state === 'failed') throw new Error(`task ${task} failed: ${run.error}`);
    console.log(`task ${task}: completed in ${Date.now() - started} ms → ${JSON.stringify(run.result)}`);
  }
}

main().catch((error: Error) => {
  console.error(`run-task: ${error.message}`);
  process.exit(1);
});
