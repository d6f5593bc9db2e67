import { DiscoveryService } from '@nestjs/core';
import { Queue } from 'bullmq';
import { ALL_QUEUES } from './pipeline.constants';

/**
 * Every BullMQ queue the application registered (BullModule.registerQueue in any module), found
 * among the providers at boot, so a module that adds a queue shows up without a list to update.
 * One instance per name (a queue registered by two modules is one queue in Redis); the pipeline's
 * stages first in stage order, then the others by name.
 */
export function registeredQueues(discovery: DiscoveryService): Queue[] {
  const byName = new Map<string, Queue>();
  for (const wrapper of discovery.getProviders()) {
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) continue;
    const instance: unknown = wrapper.instance;
    if (instance instanceof Queue && !byName.has(instance.name)) byName.set(instance.name, instance);
  }
  const stageRank = (name: string) => {
    const rank = (ALL_QUEUES as string[]).indexOf(name);
    return rank === -1 ? ALL_QUEUES.length : rank;
  };
  return [...byName.values()].sort((a, b) => stageRank(a.name) - stageRank(b.name) || a.name.localeCompare(b.name));
}
