import { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_RETRY_POLICY, retryTransaction, SYSTEM_CLOCK, type RetryClock, type RetryPolicy } from './transaction-retry';

/**
 * The one way product code opens a transaction. The work receives the transaction's EntityManager and
 * hands it to repositories. When PostgreSQL aborts the transaction for a deadlock or a serialization
 * failure, the whole work runs again in a new transaction (bounded, with jittered backoff): the work
 * must therefore keep its effects inside the transaction, or make them repeatable.
 */
export class Transactions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
    private readonly clock: RetryClock = SYSTEM_CLOCK,
  ) {}

  run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return retryTransaction(() => this.dataSource.transaction(work), this.policy, this.clock);
  }
}

/**
 * The same, for a repository that owns a whole transaction of its own (it holds the DataSource):
 * retried on deadlock and serialization failure like every other.
 */
export function inRetriedTransaction<T>(dataSource: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return retryTransaction(() => dataSource.transaction(work));
}
