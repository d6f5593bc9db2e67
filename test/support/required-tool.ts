import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A test that needs a tool from the machine (Debian's chromium, promtool). Where the tool is missing
 * outside CI the test is declared skipped, so the suite's last line counts it as skipped rather than
 * passed; in CI (which installs every tool) it runs, and fails if the tool is missing.
 */
export function itWithTool(tool: string): jest.It {
  if (process.env.CI || toolPresent(tool)) return it;
  console.warn(`${tool} not installed: its test is skipped here (CI installs it and runs it)`);
  return it.skip;
}

export function toolPresent(tool: string): boolean {
  if (tool.includes('/')) return existsSync(tool);
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}
