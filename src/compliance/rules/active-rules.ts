/**
 * The compiled rule set of this process. Compiled once, and again when the rules' revision in the
 * database moves (the stage reads the revision once per batch, together with its idempotency check), so
 * every worker switches to a changed rule on its next batch without a restart or a message bus.
 */
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ComplianceEvaluator } from '../domain/compliance-evaluator';
import type { RuleDefinition } from '../domain/rule';
import { RuleCompileError, type CompiledRule, type RuleLanguage } from '../domain/rule-language';
import { RuleSet } from '../domain/rule-set';
import { SEED_RULES, seedRuleLanguage } from '../rule-packs';
import { RulesRepository } from '../persistence/rules.repository';

export interface ActiveRuleSet {
  revision: number;
  rules: RuleSet;
  evaluator: ComplianceEvaluator;
  /** Stored rules that did not compile (they are skipped, and logged). */
  broken: Array<{ ruleId: string; version: number; message: string }>;
}

@Injectable()
export class ActiveRules implements OnModuleInit {
  private readonly logger = new Logger(ActiveRules.name);
  /** One language (and reference data) per process: compiled rules share its CEL environments. */
  readonly language: RuleLanguage = seedRuleLanguage();
  private active: ActiveRuleSet | null = null;
  private loading: Promise<ActiveRuleSet> | null = null;
  private seeded: Promise<void> | null = null;

  constructor(private readonly store: RulesRepository) {}

  async onModuleInit(): Promise<void> {
    await this.ensureSeeded();
  }

  /** Inserts the shipped rule packs once per process (version 1 of each rule id not stored yet). */
  ensureSeeded(): Promise<void> {
    this.seeded ??= this.store
      .seed(SEED_RULES)
      .then((added) => {
        if (added > 0) this.logger.log(`seeded ${added} compliance rules`);
      })
      .catch((error: Error) => {
        this.seeded = null; // try again on the next call
        throw error;
      });
    return this.seeded;
  }

  /**
   * The compiled set for `revision` (what the caller just read from the database), recompiling when it
   * differs from the one held. Without a revision, whatever is held (loading it the first time).
   */
  async get(revision?: number): Promise<ActiveRuleSet> {
    const held = this.active;
    if (held && (revision === undefined || held.revision === revision)) return held;
    this.loading ??= this.load().finally(() => (this.loading = null));
    const loaded = await this.loading;
    // A change committed while we loaded: the caller saw a newer revision than we read; load again.
    if (revision !== undefined && loaded.revision < revision) return this.get(revision);
    return loaded;
  }

  /** Compiles a definition with this process's language (throws RuleCompileError). */
  compile(def: RuleDefinition): CompiledRule {
    return this.language.compile(def);
  }

  private async load(): Promise<ActiveRuleSet> {
    await this.ensureSeeded();
    const { revision, rules } = await this.store.loadCurrent();
    const compiled: CompiledRule[] = [];
    const broken: ActiveRuleSet['broken'] = [];
    for (const stored of rules) {
      if (!stored.enabled) continue;
      try {
        compiled.push(this.language.compile(stored.definition));
      } catch (error) {
        const message = error instanceof RuleCompileError ? error.message : (error as Error).message;
        broken.push({ ruleId: stored.definition.id, version: stored.definition.version, message });
        this.logger.error(
          { ruleId: stored.definition.id, version: stored.definition.version, message },
          'stored rule does not compile; skipped',
        );
      }
    }
    const set = new RuleSet(compiled, this.language.reference!);
    const active = { revision, rules: set, evaluator: new ComplianceEvaluator(set), broken };
    if (!this.active || this.active.revision <= revision) this.active = active;
    if (this.active === active)
      this.logger.log(`compliance rules at revision ${revision}: ${compiled.length} enabled`);
    return active;
  }
}
