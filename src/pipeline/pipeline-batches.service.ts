import { Injectable } from '@nestjs/common';
import { PipelineBatchesRepository } from './persistence/pipeline-batches.repository';

/** The pipeline's batches, for the modules that feed it (ingestion closes the batches it formed). */
@Injectable()
export class PipelineBatches {
  constructor(private readonly repository: PipelineBatchesRepository) {}

  /**
   * Closes an open batch and counts its events; null when it was not open (closed meanwhile). A
   * batch that turned out empty is removed.
   */
  close(batchId: string): Promise<number | null> {
    return this.repository.close(batchId);
  }
}
