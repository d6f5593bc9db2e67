/**
 * The queue dashboard's browser session: a cookie holding the bearer token, scoped to the dashboard's
 * path. Security issues it (POST /auth/dashboard-session) and the dashboard in the pipeline module
 * reads it, so the names live here, on the side the pipeline already depends on.
 */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_COOKIE = 'ott_dashboard';
