import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { Role } from '../../src/security/roles';
import { bootTestApp, TestApp } from '../support/test-app';
import { itWithTool, toolPresent } from '../support/required-tool';
import { createUser } from '../support/users';

const CHROMIUM = '/usr/bin/chromium';
/** Every queue the product registers, by the name the board shows. */
const PRODUCT_QUEUES = ['reception', 'compliance', 'ml', 'violation', 'alerting', 'dead-letter', 'alert-delivery', 'compliance-backtest', 'maintenance', 'ml-training', 'reports'];
// The README's pictures come from here: SCREENSHOT_DIR=docs/screenshots npm run test:e2e -- --testPathPatterns browser
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(__dirname, '../../var/screenshots');

/** A person's view: an operator signs in on the dashboard's login page, looks at the queues and the API docs, signs out. */
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

  itWithTool(CHROMIUM)('an operator signs in through the login page, sees every queue on the dashboard, signs out, and finds the events endpoints in Swagger UI', async () => {
    if (!browser) throw new Error('chromium did not start');
    const operator = await createUser(t.app, [Role.Operator]);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();

    // Opening the board without a session lands on the login page; the form opens the session.
    await page.goto(`${base}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/queues/login');
    await page.getByLabel('E-mail').fill(operator.email);
    await page.getByLabel('Password').fill(operator.password);
    await Promise.all([page.waitForURL(`${base}/admin/queues`), page.getByRole('button', { name: 'Sign in' }).click()]);
    const [cookie] = await context.cookies(`${base}/admin/queues`);
    expect(cookie).toMatchObject({ name: 'ott_dashboard', path: '/admin/queues', httpOnly: true, sameSite: 'Strict' });

    for (const queue of PRODUCT_QUEUES) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.waitForLoadState('networkidle');
    await page.getByText('Loading', { exact: false }).first().waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-dashboard.png') });

    // Signing out: the board's header menu links to a confirmation page, whose button ends the session.
    await page.locator('[class^="actions-"] > li').last().getByRole('button').click();
    await Promise.all([page.waitForURL(`${base}/admin/queues/logout`), page.getByText('Sign out', { exact: true }).click()]);
    await Promise.all([page.waitForURL(/\/admin\/queues\/login\?signed-out$/), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.getByText('You have signed out.').waitFor();
    expect(await context.cookies(`${base}/admin/queues`)).toEqual([]);
    await page.goto(`${base}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/queues/login');

    await page.goto(`${base}/docs`);
    await page.getByText('/api/v1/events/batch').first().waitFor({ timeout: 15_000 });
    await page.locator('#operations-tag-events').scrollIntoViewIfNeeded();
    expect(await page.getByText('/api/v1/events', { exact: true }).count()).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, 'swagger.png') });
    await context.close();
  });

  itWithTool(CHROMIUM)('a wrong password shows the form again with a generic message and no session', async () => {
    if (!browser) throw new Error('chromium did not start');
    const operator = await createUser(t.app, [Role.Operator]);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/admin/queues/login`);
    await page.getByLabel('E-mail').fill(operator.email);
    await page.getByLabel('Password').fill('not-the-password');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(response.status()).toBe(401);
    await page.getByText('Invalid e-mail or password.').waitFor();
    expect(await context.cookies(`${base}/admin/queues`)).toEqual([]);
    await context.close();
  });
});
