import { BullModule } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';

/** At most one log line per queue or worker in this window: a Redis outage must not flood the log. */
const QUIET_MS = 30_000;
const logger = new Logger('queues');
const lastLogged = new Map<string, number>();

function report(source: string, error: Error): void {
  const now = Date.now();
  if (now - (lastLogged.get(source) ?? 0) < QUIET_MS) return;
  lastLogged.set(source, now);
  logger.warn({ source, error: error.message }, 'queue connection or lock error');
}

/**
 * BullMQ prints every 'error' event that has no listener to stderr (each reconnection attempt while
 * Redis is away, each lock lost to a stalled-job takeover). These are expected in a distributed
 * pipeline and handled by retries, the sweeper and /health/ready, so every queue and worker gets a
 * listener from the moment it is constructed — a listener added later misses the first connection
 * error.
 */
class LoggedQueue extends Queue {
  constructor(...args: ConstructorParameters<typeof Queue>) {
    super(...args);
    this.on('error', (error: Error) => report(`queue ${this.name}`, error));
  }
}

class LoggedWorker extends Worker {
  constructor(...args: ConstructorParameters<typeof Worker>) {
    super(...args);
    this.on('error', (error: Error) => report(`worker ${this.name}`, error));
  }
}

/** Must run before any BullModule.registerQueue call: those capture the class when called. */
export function useLoggedBullClasses(): void {
  BullModule.queueClass = LoggedQueue;
  BullModule.workerClass = LoggedWorker;
}
