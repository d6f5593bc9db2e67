import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp } from '../support/test-app';
import { itWithTool, toolPresent } from '../support/required-tool';
import { createUser } from '../support/users';

const CHROMIUM = '/usr/bin/chromium';
// The README's pictures come from here: SCREENSHOT_DIR=docs/screenshots npm run test:e2e -- --testPathPatterns browser
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(__dirname, '../../var/screenshots');

/** A person's view: an operator logs in, opens the queue dashboard, then the API docs. */
describe('in a browser', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let base: string;

  beforeAll(async () => {
    if (!process.env.CI && !toolPresent(CHROMIUM)) return; // the tests below are declared skipped
    t = await bootTestApp({ APP_ROLE: 'api' });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  itWithTool(CHROMIUM)('an operator sees the six pipeline queues on the dashboard and the events endpoints in Swagger UI', async () => {
    if (!browser) throw new Error('chromium did not start');
    const operator = await createUser(t.app, [Role.Operator]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();

    // Log in the way the dashboard's users do: credentials in, a session cookie for /admin/queues out.
    const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { email: operator.email, password: operator.password } });
    expect(login.status()).toBe(200);
    const { accessToken } = await login.json();
    const session = await page.request.post(`${base}/api/v1/auth/dashboard-session`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(session.status()).toBe(204);

    await page.goto(`${base}/admin/queues`);
    for (const queue of ['reception', 'compliance', 'ml', 'violation', 'alerting', 'dead-letter']) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.waitForLoadState('networkidle');
    await page.getByText('Loading', { exact: false }).first().waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-dashboard.png') });

    await page.goto(`${base}/docs`);
    await page.getByText('/api/v1/events/batch').first().waitFor({ timeout: 15_000 });
    await page.locator('#operations-tag-events').scrollIntoViewIfNeeded();
    expect(await page.getByText('/api/v1/events', { exact: true }).count()).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, 'swagger.png') });
    await context.close();
  });

  itWithTool(CHROMIUM)('without a session the dashboard answers 401', async () => {
    if (!browser) throw new Error('chromium did not start');
    const page = await browser.newPage();
    const response = await page.goto(`${base}/admin/queues`);
    expect(response?.status()).toBe(401);
    await page.close();
  });
});
