import type { FactorContribution } from './anomaly-ensemble';
import { FACTOR_NAMES, FactorName, RiskFactors } from './risk-factors';

/**
 * The smallest step of each factor that counts as a difference: one event for the counts, five points of
 * error rate. It floors the tail scale below, so that a population where nearly everyone shares one
 * value (all zero failed logins) does not make a single extra event look infinitely unlikely. These are
 * resolutions, not priors on what is normal: where the population sits is learnt from the population.
 */
export const FACTOR_UNITS: Readonly<Record<FactorName, number>> = {
  consentChurn: 1,
  complianceFindings: 1,
  dataAccess: 1,
  authFailures: 1,
  geoMovement: 1,
  errorRate: 0.05,
};

/** The body of each factor's distribution is read from ranks up to this quantile; above it, a fitted tail. */
const TAIL_FROM_QUANTILE = 0.8;

/**
 * One factor's distribution in the population: the mid-rank exceedance (share of viewers above a value,
 * ties counted half) up to the 80th percentile t, and above it an exponential tail
 * P(X > x) = P(X > t) · exp(-(x - t) / β), β = max(unit, median excess over t of the top 20%) / ln 2: the
 * tail's median matches the population's, and the few outliers in it cannot widen the scale that
 * measures them.
 */
export class FactorTail {
  private constructor(
    private readonly sorted: Float64Array,
    private readonly threshold: number,
    private readonly exceedanceAtThreshold: number,
    private readonly scale: number,
  ) {}

  static fit(values: ArrayLike<number>, unit: number): FactorTail {
    if (values.length === 0) throw new RangeError('a factor tail needs at least one value');
    const sorted = Float64Array.from(values).sort();
    const at = Math.floor(TAIL_FROM_QUANTILE * (sorted.length - 1));
    const threshold = sorted[at];
    // The excesses of the whole top block, ties at the threshold included (as zeros): when only a handful
    // of viewers are above the threshold they are the outliers, and must not set the scale they are
    // measured on.
    const excesses = sorted.subarray(at + 1).map((value) => value - threshold);
    const middle = excesses.length >> 1;
    const medianExcess =
      excesses.length === 0
        ? 0
        : excesses.length % 2 === 1
          ? excesses[middle]
          : (excesses[middle - 1] + excesses[middle]) / 2;
    const exceedanceAtThreshold = midRankExceedance(sorted, threshold);
    return new FactorTail(sorted, threshold, exceedanceAtThreshold, Math.max(unit, medianExcess) / Math.LN2);
  }

  /** -ln P(X ≥ x) under the model: about 0.7 at the median, growing linearly in the tail. */
  surprisal(value: number): number {
    if (value > this.threshold) {
      return -Math.log(this.exceedanceAtThreshold) + (value - this.threshold) / this.scale;
    }
    return -Math.log(midRankExceedance(this.sorted, value));
  }
}

/** (#above + ½·#equal) / n, never 0 (a value at the maximum of n is still shared by itself). */
function midRankExceedance(sorted: Float64Array, value: number): number {
  let below = 0;
  let high = sorted.length;
  while (below < high) {
    const mid = (below + high) >> 1;
    if (sorted[mid] < value) below = mid + 1;
    else high = mid;
  }
  let notAbove = below;
  high = sorted.length;
  while (notAbove < high) {
    const mid = (notAbove + high) >> 1;
    if (sorted[mid] <= value) notAbove = mid + 1;
    else high = mid;
  }
  const n = sorted.length;
  const above = n - notAbove;
  return Math.max(above + 0.5 * (notAbove - below), 0.5) / n;
}

export interface PopulationScore {
  /**
   * The probability that none of the population's viewers would, by chance, stand as far out on any
   * factor: (1 - min(1, 6 · P(X_j ≥ x_j) at the most extreme factor j))^n, n the population size. A
   * threshold of 0.95 on it asks for a viewer more extreme than nineteen in twenty populations of this
   * size would produce on their own, so the number of ordinary viewers flagged does not grow with the
   * population, as a percentile threshold's would.
   *
   * That probability is 0 for nearly every ordinary viewer, which would tell them apart no more than a
   * constant (and the stage keeps the highest-risk state of each snapshot interval as training data: a
   * tie keeps the interval's first, emptiest state). So below it the risk is ½ · (1 - P(X_j ≥ x_j)) of
   * the most extreme factor: the viewer's standing in the population, under 0.5, never a tier above low.
   * The larger of the two; both fall as that exceedance grows, so the risk keeps one order.
   */
  risk: number;
  /** -ln P(X_j ≥ x_j) of each factor, FACTOR_NAMES order. */
  surprisals: number[];
  factors: FactorContribution[];
}

/** The six factor tails of one population, fitted together. */
export class PopulationCalibration {
  private constructor(
    readonly size: number,
    private readonly tails: FactorTail[],
  ) {}

  static fit(rows: readonly ArrayLike<number>[]): PopulationCalibration {
    const column = new Float64Array(rows.length);
    const tails = FACTOR_NAMES.map((name, c) => {
      rows.forEach((row, r) => (column[r] = row[c]));
      return FactorTail.fit(column, FACTOR_UNITS[name]);
    });
    return new PopulationCalibration(rows.length, tails);
  }

  score(factors: RiskFactors): PopulationScore {
    const surprisals = FACTOR_NAMES.map((name, c) => this.tails[c].surprisal(factors[name]));
    const strongest = Math.max(...surprisals);
    const perViewerP = Math.min(1, FACTOR_NAMES.length * Math.exp(-strongest));

    // (1 - p)^n without losing a tiny p to rounding.
    const exceedance = Math.exp(-strongest);
    const beyondPopulation = perViewerP >= 1 ? 0 : Math.exp(this.size * Math.log1p(-perViewerP));
    const risk = Math.max(beyondPopulation, 0.5 * (1 - exceedance));
    // A factor explains the score by how far beyond the median (surprisal ln 2) it lies.
    const excess = surprisals.map((s) => Math.max(0, s - Math.LN2));
    const total = excess.reduce((sum, e) => sum + e, 0);
    return {
      risk,
      surprisals,
      factors: FACTOR_NAMES.map((factor, c) => {
        const share = total > 0 ? excess[c] / total : 0;
        return { factor, share, contribution: share * risk };
      }),
    };
  }
}

export interface PopulationBaselineOptions {
  /** Viewers needed before anyone is judged against the population; 50 by default. */
  minViewers?: number;
  /** Viewers remembered, the least recently seen forgotten first; 50,000 by default. */
  maxViewers?: number;
}

/**
 * The population seen so far: the latest factors of every viewer with enough evidence, so the statistical
 * detector is calibrated on what this platform's viewers do rather than on fixed priors. The fitted
 * calibration is reused until a twentieth of the population has changed (refitting sorts every column).
 */
export class PopulationBaseline {
  readonly minViewers: number;
  readonly maxViewers: number;
  private readonly latest = new Map<string, number[]>();
  private fitted: PopulationCalibration | null = null;
  private changesSinceFit = 0;

  constructor(options: PopulationBaselineOptions = {}) {
    this.minViewers = options.minViewers ?? 50;
    this.maxViewers = options.maxViewers ?? 50_000;
    if (!(this.minViewers >= 2) || !(this.maxViewers >= this.minViewers)) {
      throw new RangeError('a population baseline needs 2 <= minViewers <= maxViewers');
    }
  }

  get size(): number {
    return this.latest.size;
  }

  has(userId: string): boolean {
    return this.latest.has(userId);
  }

  observe(userId: string, factors: RiskFactors): void {
    // Delete first, so the Map's order is least recently seen first.
    this.latest.delete(userId);
    this.latest.set(
      userId,
      FACTOR_NAMES.map((name) => factors[name]),
    );
    if (this.latest.size > this.maxViewers) {
      const oldest = this.latest.keys().next().value as string;
      this.latest.delete(oldest);
    }
    this.changesSinceFit++;
  }

  /** The calibration on the current population, or null while it is too small to judge anyone against. */
  calibration(): PopulationCalibration | null {
    if (this.latest.size < this.minViewers) return null;
    if (this.fitted === null || this.changesSinceFit >= Math.max(1, this.latest.size / 20)) {
      this.fitted = PopulationCalibration.fit([...this.latest.values()]);
      this.changesSinceFit = 0;
    }
    return this.fitted;
  }
}
