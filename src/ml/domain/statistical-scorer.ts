import { FactorContribution } from './anomaly-ensemble';
import { RobustZScore } from './robust-z-score';
import { FACTOR_NAMES, RiskFactors, factorsToArray } from './risk-factors';

/**
 * Documented priors for scoring before any model has been trained: the centre (typical value) and scale
 * (how far from it one "standard deviation" of ordinary behaviour reaches) of each raw factor. They say
 * that an ordinary viewer has no consent churn, findings, staff access, failed logins, travel or errors,
 * and that these reach z = 3 (all centres are 0 and the factors never negative, so only "more" counts):
 *   consentChurn        3 withdrawals / re-grants in the last day
 *   complianceFindings  3 findings in the last day
 *   dataAccess          6 reads, shares or exports of their data by staff or services in the last day
 *   authFailures        3 failed logins in the last hour
 *   geoMovement         3 extra countries in a day, or a jump of 3 000 km/h
 *   errorRate           30% of the last hour's events being errors
 * A trained model replaces them with what the platform's own viewers do.
 */
export const STATISTICAL_PRIORS: Readonly<
  Record<(typeof FACTOR_NAMES)[number], { centre: number; scale: number }>
> = {
  consentChurn: { centre: 0, scale: 1 },
  complianceFindings: { centre: 0, scale: 1 },
  dataAccess: { centre: 0, scale: 2 },
  authFailures: { centre: 0, scale: 1 },
  geoMovement: { centre: 0, scale: 1 },
  errorRate: { centre: 0, scale: 0.1 },
};

export interface StatisticalScore {
  risk: number;
  /** |z| of each factor against the priors, in FACTOR_NAMES order */
  zScores: number[];
  factors: FactorContribution[];
}

/**
 * The robust z-score detector alone, with the priors as its fitted centres and scales. Its risk is the
 * probability that six independent normal factors would all stay closer to their centre than this
 * viewer's most extreme one: (1 - 2·P(Z > z_max))^6, i.e. one minus the family-wise p-value. Risk 0.95
 * is z_max ≈ 2.63, 0.99 is z_max ≈ 3.14, 0.999 is z_max ≈ 3.76. Counts are not normal, so this is a convention to put priors on one
 * scale, not a calibrated probability; the risk means "how far outside the priors", and explanations
 * share it out in proportion to each factor's |z|, as the ensemble's z-score part does.
 */
export class StatisticalScorer {
  readonly detector = RobustZScore.fromJSON({
    format: 'robust-z-score/v1',
    centres: FACTOR_NAMES.map((name) => STATISTICAL_PRIORS[name].centre),
    scales: FACTOR_NAMES.map((name) => STATISTICAL_PRIORS[name].scale),
  });

  score(factors: RiskFactors): StatisticalScore {
    const z = this.detector.columnScores(factorsToArray(factors));
    let strongest = 0;
    let total = 0;
    for (const value of z) {
      strongest = Math.max(strongest, value);
      total += value;
    }
    const tail = normalUpperTail(strongest); // P(Z > z)
    const risk = Math.max(0, Math.min(1, Math.pow(1 - 2 * tail, FACTOR_NAMES.length)));
    return {
      risk,
      zScores: Array.from(z),
      factors: FACTOR_NAMES.map((factor, column) => {
        const share = total > 0 ? z[column] / total : 0;
        return { factor, share, contribution: share * risk };
      }),
    };
  }
}

/**
 * P(Z > z) for a standard normal Z, z ≥ 0, via erfc (W. J. Cody's rational approximation as given in
 * Numerical Recipes' erfcc, fractional error below 1.2e-7 everywhere), accurate in the far tail.
 */
export function normalUpperTail(z: number): number {
  if (!(z > 0)) return 0.5;
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return erfc / 2;
}
