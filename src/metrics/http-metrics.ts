import { IncomingMessage, ServerResponse } from 'node:http';
import { pipelineMetrics } from './pipeline-metrics';

/**
 * Records each request's duration under its route template (`/api/v1/events/:eventId`), never
 * the raw path, so label values stay a bounded set; unmatched paths share one label.
 */
export function observeHttpDuration(req: IncomingMessage, res: ServerResponse): void {
  const stop = pipelineMetrics.httpDuration.startTimer();
  res.once('finish', () => {
    const route = (req as IncomingMessage & { route?: { path?: string } }).route?.path;
    stop({ method: req.method ?? 'GET', route: typeof route === 'string' ? route : 'unmatched', status_code: String(res.statusCode) });
  });
}
