/**
 * What GET /events/:eventId answers: where one event is in the pipeline, what reception made of it, and
 * its findings. Reception's fields are null until the event's batch has passed reception.
 */
export interface EventStatus {
  eventId: string;
  occurredAt: Date;
  receivedAt: Date;
  batchId: string;
  /** The stage the event's batch is in; `done` once it left alerting. */
  stage: string;
  /** The batch's status: open, queued, done, dead or discarded. */
  status: string;
  completedAt: Date | null;
  lastError: string | null;
  type: string | null;
  userId: string | null;
  actorType: string | null;
  country: string | null;
  /** The network the event came from (/24 for IPv4, /48 for IPv6): the full address is not kept. */
  ipPrefix: string | null;
  deviceType: string | null;
  os: string | null;
  browser: string | null;
  processedAt: Date | null;
  findings: EventFinding[];
}

/** A compliance, ML or security finding recorded for the event. */
export interface EventFinding {
  kind: string;
  ruleId: string;
  ruleVersion: string;
  framework: string;
  reference: string | null;
  severity: string;
  explanation: string;
  /** What the rule or detector saw (its own vocabulary: keys are data, not API fields). */
  details: Record<string, unknown>;
  createdAt: Date;
}
