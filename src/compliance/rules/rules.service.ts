import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Transactions } from '../../database/transactions';
import { InvalidInputError } from '../../common/domain/invalid-input';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import type { RuleDefinition, RuleValidationError } from '../domain/rule';
import { ActiveRules } from './active-rules';
import {
  RulesRepository,
  type RuleHealthRecord,
  type RuleListQuery,
  type RuleSummary,
  type StoredRule,
} from '../persistence/rules.repository';

export interface RuleView {
  ruleId: string;
  version: number;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  definition: RuleDefinition;
}

export interface RuleDetail {
  current: RuleView;
  versions: Array<Omit<RuleView, 'definition'> & { title: string; severity: string; isCurrent: boolean }>;
}

/** Drops keys whose value is undefined (DTO instances carry every declared field). */
export function plainDraft(dto: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
}

/** 400 naming each field the rule language refused, with `prefix` for nested drafts ("draft."). */
export function ruleValidationException(errors: RuleValidationError[], prefix = '') {
  return new InvalidInputError(
    errors.map((e) => ({
      field: e.field ? `${prefix}${e.field}` : prefix.replace(/\.$/, '') || 'rule',
      problems: [e.message],
    })),
  );
}

function view(stored: StoredRule): RuleView {
  return {
    ruleId: stored.definition.id,
    version: stored.definition.version,
    enabled: stored.enabled,
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
    definition: stored.definition,
  };
}

/**
 * Rules as versioned data: create, new version, enable, disable. Each change is validated by the rule
 * language before anything is written, audited in the same transaction, and bumps the rules' revision
 * so every worker recompiles on its next batch.
 */
@Injectable()
export class RulesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly store: RulesRepository,
    private readonly rules: ActiveRules,
    private readonly audit: AuditLog,
  ) {}

  async list(
    q: RuleListQuery,
  ): Promise<{ items: RuleSummary[]; total: number; limit: number; offset: number }> {
    await this.rules.ensureSeeded();
    const page = await this.store.list(q);
    return { ...page, limit: q.limit, offset: q.offset };
  }

  async get(ruleId: string): Promise<RuleDetail> {
    await this.rules.ensureSeeded();
    const versions = await this.store.versions(ruleId);
    const current = versions.find((v) => v.isCurrent);
    if (!current) throw new NotFoundException(`rule ${ruleId} does not exist`);
    return {
      current: view(current),
      versions: versions.map((v) => ({
        ruleId: v.definition.id,
        version: v.definition.version,
        enabled: v.enabled,
        createdBy: v.createdBy,
        createdAt: v.createdAt,
        title: v.definition.title,
        severity: v.definition.severity,
        isCurrent: v.isCurrent,
      })),
    };
  }

  /**
   * The rule's health: the recent batches in which it went over its evaluation budget and was skipped
   * for the rest of the batch (its findings for those events are missing).
   */
  async health(ruleId: string, limit = 50): Promise<{ ruleId: string; items: RuleHealthRecord[] }> {
    await this.rules.ensureSeeded();
    if (!(await this.store.current(ruleId))) throw new NotFoundException(`rule ${ruleId} does not exist`);
    return { ruleId, items: await this.store.health(ruleId, limit) };
  }

  async create(draft: Record<string, unknown>, ctx: RequestContext): Promise<RuleView> {
    const def = this.validated({ ...draft, version: 1 });
    const enabled = def.enabled !== false;
    await this.rules.ensureSeeded();
    await this.transactions.run(async (tx) => {
      await this.store.lockRevision(tx);
      if (await this.store.current(def.id, tx)) {
        throw new ConflictException(
          `rule ${def.id} exists; PUT /api/v1/compliance/rules/${def.id} adds a version`,
        );
      }
      await this.store.insertVersion(tx, def, enabled, createdBy(ctx));
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'compliance.rule.created',
          targetType: 'compliance_rule',
          targetId: def.id,
          details: {
            version: 1,
            framework: def.framework,
            severity: def.severity,
            enabled,
            triggers: def.triggers,
          },
        },
        tx,
      );
    });
    return this.currentView(def.id);
  }

  async addVersion(ruleId: string, draft: Record<string, unknown>, ctx: RequestContext): Promise<RuleView> {
    if (draft.id !== undefined && draft.id !== ruleId) {
      throw new InvalidInputError([
        { field: 'id', problems: [`id ${String(draft.id)} does not match the rule in the path (${ruleId})`] },
      ]);
    }
    await this.rules.ensureSeeded();
    await this.transactions.run(async (tx) => {
      await this.store.lockRevision(tx);
      const current = await this.store.current(ruleId, tx, true);
      if (!current) throw new NotFoundException(`rule ${ruleId} does not exist`);
      const def = this.validated({ ...draft, id: ruleId, version: current.definition.version + 1 });
      const enabled = def.enabled ?? current.enabled;
      await this.store.insertVersion(tx, def, enabled, createdBy(ctx));
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: 'compliance.rule.updated',
          targetType: 'compliance_rule',
          targetId: ruleId,
          details: {
            version: def.version,
            previousVersion: current.definition.version,
            changedFields: changedFields(current.definition, def),
            enabled,
          },
        },
        tx,
      );
    });
    return this.currentView(ruleId);
  }

  async setEnabled(
    ruleId: string,
    enabled: boolean,
    ctx: RequestContext,
  ): Promise<RuleView & { changed: boolean }> {
    await this.rules.ensureSeeded();
    const changed = await this.transactions.run(async (tx) => {
      await this.store.lockRevision(tx);
      const current = await this.store.current(ruleId, tx, true);
      if (!current) throw new NotFoundException(`rule ${ruleId} does not exist`);
      if (current.enabled === enabled) return false;
      await this.store.setEnabled(tx, ruleId, enabled);
      await this.audit.append(
        {
          ...auditActor(ctx),
          action: enabled ? 'compliance.rule.enabled' : 'compliance.rule.disabled',
          targetType: 'compliance_rule',
          targetId: ruleId,
          details: { version: current.definition.version },
        },
        tx,
      );
      return true;
    });
    return { ...(await this.currentView(ruleId)), changed };
  }

  /** The rule language's verdict, as a RuleDefinition or a 400 naming each field. */
  private validated(candidate: Record<string, unknown>): RuleDefinition {
    const result = this.rules.language.validate(candidate);
    if (!result.ok) throw ruleValidationException(result.errors);
    return candidate as unknown as RuleDefinition;
  }

  private async currentView(ruleId: string): Promise<RuleView> {
    const current = await this.store.current(ruleId);
    if (!current) throw new NotFoundException(`rule ${ruleId} does not exist`);
    return view(current);
  }
}

function createdBy(ctx: RequestContext): string {
  return ctx.principal ? `${ctx.principal.kind}:${ctx.principal.userId}` : 'system';
}

function changedFields(before: RuleDefinition, after: RuleDefinition): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  keys.delete('version');
  keys.delete('enabled');
  return [...keys]
    .filter((k) => JSON.stringify((before as never)[k]) !== JSON.stringify((after as never)[k]))
    .sort();
}
