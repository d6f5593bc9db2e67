import request from 'supertest';
import { ALL_ROLES, Role } from '../../src/security/roles';
import { bootTestApp, TestApp } from '../support/test-app';
import { tokenFor } from '../support/users';

/** Open by design: health, login/refresh/logout, the queue dashboard's login pages, the API docs and the token-guarded /metrics. */
const PUBLIC_BY_DESIGN = new Set([
  'GET /health/live',
  'GET /health/ready',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'GET /admin/queues/login',
  'POST /admin/queues/login',
  'GET /admin/queues/logout',
  'POST /admin/queues/logout',
  'GET /metrics',
]);
/** Public forms that only accept a POST from the app's own pages (CSRF): refused without Origin. */
const SAME_ORIGIN_FORMS = new Set(['POST /admin/queues/login', 'POST /admin/queues/logout']);

interface Route {
  method: string;
  path: string;
  roles: Role[] | null;
}

/**
 * Walks every route the running Express app serves (not just what Swagger lists) and proves
 * each one is either public by design, or answers 401 without credentials and 403 to a caller
 * whose roles it does not list.
 */
describe('every route is guarded', () => {
  let t: TestApp;
  let routes: Route[];
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await bootTestApp({ THROTTLE_LOGIN_PER_MINUTE: '1000', METRICS_TOKEN: 'metrics-token-for-route-walk' });
    const doc = (await request(t.http).get('/docs-json').expect(200)).body;
    const rolesOf = new Map<string, Role[]>();
    for (const [path, ops] of Object.entries<Record<string, { 'x-roles'?: Role[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) rolesOf.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op['x-roles'] ?? []);
    }
    routes = expressRoutes(t.app.getHttpAdapter().getInstance()).map(({ method, path }) => ({
      method,
      path,
      roles: rolesOf.get(`${method} ${path}`) ?? null,
    }));
    for (const role of ALL_ROLES) tokens.set(role, await tokenFor(t.app, [role]));
  });
  afterAll(() => t.close());

  it('finds the application routes', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it('documents roles for every route that is not public', () => {
    const undocumented = routes.filter((r) => !PUBLIC_BY_DESIGN.has(`${r.method} ${r.path}`) && !r.roles?.length);
    expect(undocumented).toEqual([]);
  });

  it('answers 401 without credentials, 403 with a role not listed', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const url = route.path.replace(/:(\w+)/g, (_, name) => (name === 'role' ? 'analyst' : '00000000-0000-4000-8000-000000000000'));
      const call = () => (request(t.http) as any)[route.method.toLowerCase()](url).send({});
      const anonymous = await call();
      if (PUBLIC_BY_DESIGN.has(key)) {
        if (SAME_ORIGIN_FORMS.has(key)) {
          if (anonymous.status !== 403) failures.push(`${key}: ${anonymous.status} to a POST from no origin`);
        } else if (anonymous.status === 403) failures.push(`${key}: public route answered 403`);
        continue;
      }
      if (anonymous.status !== 401) failures.push(`${key}: ${anonymous.status} without credentials`);
      const outsider = ALL_ROLES.find((role) => !route.roles!.includes(role));
      if (!outsider) continue; // every role may call it
      const res = await call().set('Authorization', `Bearer ${tokens.get(outsider)}`);
      if (res.status !== 403) failures.push(`${key}: ${res.status} for role ${outsider}`);
    }
    expect(failures).toEqual([]);
  });
});

/** Routes registered in the Express app, with Nest's path parameters as ":name". */
function expressRoutes(app: any): { method: string; path: string }[] {
  const stack = (app.router ?? app._router)?.stack ?? [];
  const out: { method: string; path: string }[] = [];
  const seen = new Set<string>();
  for (const layer of stack) {
    const methods = Object.keys(layer.route?.methods ?? {});
    // Layers bound to every HTTP method are Nest's middleware and 404 catch-alls, not endpoints.
    if (methods.length === 0 || methods.length > 20) continue;
    const path = layer.route.path.length > 1 ? layer.route.path.replace(/\/$/, '') : layer.route.path;
    if (path.startsWith('/docs')) continue; // Swagger UI assets: public by design
    for (const method of methods) {
      const key = `${method.toUpperCase()} ${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ method: method.toUpperCase(), path });
    }
  }
  return out;
}
