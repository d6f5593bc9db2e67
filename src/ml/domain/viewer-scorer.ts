import { AnomalyEnsemble, AnomalyEnsembleJson, FactorContribution, PerDetector } from './anomaly-ensemble';
import {
  FACTOR_NAMES,
  FEATURE_TRANSFORM,
  factorsToArray,
  modelFeaturesInto,
  RiskFactors,
} from './risk-factors';
import { PopulationBaseline, PopulationBaselineOptions } from './population-baseline';
import type { FindingSeverity } from './risk-bands';

export type DetectorLabel = 'ensemble' | 'statistical';

export interface ViewerScore {
  risk: number;
  /** One per factor, FACTOR_NAMES order; the contributions add up to the risk. */
  contributions: FactorContribution[];
  /** The ensemble's detectors (raw and calibrated); absent for the statistical scorer. */
  detectors?: PerDetector<{ raw: number; calibrated: number }>;
  /** false: the scorer had too little to compare the viewer with, so no finding may be raised on it. */
  conclusive?: boolean;
}

/** Scores viewers' factors: the active model's ensemble, or the statistical priors before any model. */
export interface ViewerScorer {
  /** ml_models.version, or null for the statistical scorer */
  readonly modelVersion: number | null;
  readonly detector: DetectorLabel;
  /** rule_version of the findings it raises */
  readonly ruleVersion: string;
  /** The most severe finding this scorer's confidence supports. */
  readonly maxSeverity: FindingSeverity;
  /** Learns from a viewer with enough evidence (called for the whole batch before it is scored). */
  observe?(userId: string, factors: RiskFactors): void;
  score(factors: RiskFactors): ViewerScore;
}

/**
 * Before any model is trained: each viewer against the population seen so far (PopulationBaseline), not
 * against fixed priors. Until the population is large enough nobody is judged (risk 0, inconclusive), and
 * its findings are at most `high`: a population of a few hundred viewers supports "far outside what we
 * have seen", not the certainty a critical finding claims.
 */
export class StatisticalViewerScorer implements ViewerScorer {
  readonly modelVersion = null;
  readonly detector = 'statistical' as const;
  readonly ruleVersion = 'statistical';
  readonly maxSeverity: FindingSeverity = 'high';
  readonly population: PopulationBaseline;

  constructor(options: PopulationBaselineOptions = {}) {
    this.population = new PopulationBaseline(options);
  }

  observe(userId: string, factors: RiskFactors): void {
    this.population.observe(userId, factors);
  }

  score(factors: RiskFactors): ViewerScore {
    const calibration = this.population.calibration();
    if (calibration === null) {
      return {
        risk: 0,
        contributions: FACTOR_NAMES.map((factor) => ({ factor, share: 0, contribution: 0 })),
        conclusive: false,
      };
    }
    const { risk, factors: contributions } = calibration.score(factors);
    return { risk, contributions };
  }
}

export class EnsembleViewerScorer implements ViewerScorer {
  readonly detector = 'ensemble' as const;
  readonly maxSeverity: FindingSeverity = 'critical';
  readonly ruleVersion: string;
  private readonly features = new Float64Array(FACTOR_NAMES.length);

  constructor(
    readonly modelVersion: number,
    readonly model: AnomalyEnsemble,
  ) {
    this.ruleVersion = String(modelVersion);
  }

  /** A stored model, checked to be one this code can feed: same factors, same feature transform. */
  static fromArtifact(
    version: number,
    artifact: AnomalyEnsembleJson,
    featureTransform: unknown,
  ): EnsembleViewerScorer {
    if (featureTransform !== FEATURE_TRANSFORM) {
      throw new TypeError(
        `model ${version} expects features "${String(featureTransform)}", this code makes "${FEATURE_TRANSFORM}"`,
      );
    }
    const model = AnomalyEnsemble.fromJSON(artifact);
    if (model.factorNames.join() !== FACTOR_NAMES.join()) {
      throw new TypeError(
        `model ${version} was trained on factors ${model.factorNames.join(', ')}, not ${FACTOR_NAMES.join(', ')}`,
      );
    }
    return new EnsembleViewerScorer(version, model);
  }

  score(factors: RiskFactors): ViewerScore {
    modelFeaturesInto(factorsToArray(factors), this.features, 0);
    const explanation = this.model.explain(this.features);
    return { risk: explanation.risk, contributions: explanation.factors, detectors: explanation.detectors };
  }
}
