import { AnomalyEnsemble, AnomalyEnsembleJson, FactorContribution, PerDetector } from './anomaly-ensemble';
import {
  FACTOR_NAMES,
  FEATURE_TRANSFORM,
  factorsToArray,
  modelFeaturesInto,
  RiskFactors,
} from './risk-factors';
import { StatisticalScorer } from './statistical-scorer';

export type DetectorLabel = 'ensemble' | 'statistical';

export interface ViewerScore {
  risk: number;
  /** One per factor, FACTOR_NAMES order; the contributions add up to the risk. */
  contributions: FactorContribution[];
  /** The ensemble's detectors (raw and calibrated); absent for the statistical scorer. */
  detectors?: PerDetector<{ raw: number; calibrated: number }>;
}

/** Scores viewers' factors: the active model's ensemble, or the statistical priors before any model. */
export interface ViewerScorer {
  /** ml_models.version, or null for the statistical scorer */
  readonly modelVersion: number | null;
  readonly detector: DetectorLabel;
  /** rule_version of the findings it raises */
  readonly ruleVersion: string;
  score(factors: RiskFactors): ViewerScore;
}

export class StatisticalViewerScorer implements ViewerScorer {
  readonly modelVersion = null;
  readonly detector = 'statistical' as const;
  readonly ruleVersion = 'statistical';
  private readonly scorer = new StatisticalScorer();

  score(factors: RiskFactors): ViewerScore {
    const { risk, factors: contributions } = this.scorer.score(factors);
    return { risk, contributions };
  }
}

export class EnsembleViewerScorer implements ViewerScorer {
  readonly detector = 'ensemble' as const;
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
