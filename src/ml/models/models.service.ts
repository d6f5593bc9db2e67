import { Injectable, Logger } from '@nestjs/common';
import { Transactions } from '../../database/transactions';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { ActiveModel } from './active-model';
import { MlModelsRepository, ModelSummary } from '../persistence/ml-models.repository';

/** The model registry as the API sees it: list, inspect, activate. */
@Injectable()
export class ModelsService {
  private readonly logger = new Logger(ModelsService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly registry: MlModelsRepository,
    private readonly active: ActiveModel,
    private readonly audit: AuditLog,
  ) {}

  list(limit: number, offset: number) {
    return this.registry.list(limit, offset);
  }

  get(version: number): Promise<ModelSummary> {
    return this.registry.get(version);
  }

  /**
   * Flips the active flags and writes the audit entry in one transaction (both or neither), then tells
   * the workers. Activating the active model again changes nothing but is still recorded.
   */
  async activate(
    version: number,
    ctx: RequestContext,
  ): Promise<ModelSummary & { previousVersion: number | null }> {
    const { previous } = await this.transactions.run(async (tx) => {
      const result = await this.registry.activate(tx, version);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'ml.model.activated',
          targetType: 'ml_model',
          targetId: String(version),
          details: { previousVersion: result.previous, unchanged: result.previous === version },
        },
        tx,
      );
      return result;
    });
    // The database already says which model is active; the message only spares workers the wait.
    await this.active
      .announce(version)
      .catch((error: Error) => this.logger.warn(`cannot announce model v${version}: ${error.message}`));
    return { ...(await this.registry.get(version)), previousVersion: previous };
  }
}
