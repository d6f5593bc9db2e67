export interface ScoreCalibrationOptions {
  /** Training-score quantiles kept for the body of the distribution; 1001 by default. */
  maxQuantiles?: number;
  /**
   * Fraction of the training rows, counted from the top, described by the fitted exponential tail instead
   * of their ranks; 0.2 by default. 0 gives a purely rank-based calibration.
   */
  tailFraction?: number;
}

export interface ScoreCalibrationJson {
  format: 'score-calibration/v1';
  trainingSize: number;
  /** Ascending training-score quantiles; quantile j sits at rank j·(n-1)/(m-1) of the sorted scores. */
  quantiles: number[];
  /** Absent when the calibration is purely rank-based. */
  tail?: { threshold: number; exceedanceAtThreshold: number; scale: number };
}

/**
 * Maps a detector's raw score to p in [0, 1): the estimated fraction of training rows that score lower.
 * 0.99 means "higher than 99% of the training rows".
 *
 * Why this shape: the detectors' raw scales have nothing in common (an isolation score near 0.5, an LOF
 * ratio from 1 to thousands, a z-score from 0 upwards), and their distributions are skewed differently on
 * every data set, so no fixed squashing (sigmoid, min-max) would make them comparable. Ranks would
 * (the empirical CDF, used for the body of the distribution), but ranks alone forget how far a score lies
 * beyond the others: the top row is "the top row" whether it is 1% or 50 times beyond the next one. That
 * distance is the best evidence a detector has of being right, so the top `tailFraction` of the training
 * scores is described instead by an exponential tail above their threshold t (peaks over threshold, the
 * standard tool of extreme value statistics): P(score > s) = P(score > t) · exp(-(s - t) / β). The scale β
 * is the median excess over t divided by ln 2 — the exponential's own median — so the outliers in the tail
 * cannot inflate the scale that measures them. A detector whose anomalies stand far out then reports a
 * much smaller exceedance for them than one whose top rows merely lead a crowd.
 *
 * Details: ties take the mid-rank ((#below + ½·#equal) / n), so a value shared by 60% of the rows maps to
 * 0.3, not to 0 or 0.6; between stored quantiles the rank is interpolated, so distinct scores stay
 * distinct. Without a tail, scores beyond the training maximum keep rising towards 1
 * (exceedance (½/n)·s/(s + excess), s = max - median), so new extreme points are still ordered.
 */
export class ScoreCalibration {
  private readonly beyondMaximumSpread: number;

  private constructor(
    readonly trainingSize: number,
    private readonly quantiles: Float64Array,
    private readonly tail: ScoreCalibrationJson['tail'],
  ) {
    const maximum = quantiles[quantiles.length - 1];
    const spread = maximum - interpolateSorted(quantiles, (quantiles.length - 1) / 2);
    this.beyondMaximumSpread = spread > 0 ? spread : Math.max(Math.abs(maximum), 1);
  }

  static fit(trainingScores: ArrayLike<number>, options: ScoreCalibrationOptions = {}): ScoreCalibration {
    const maxQuantiles = options.maxQuantiles ?? 1001;
    const tailFraction = options.tailFraction ?? 0.2;
    const count = trainingScores.length;
    if (count === 0) throw new RangeError('calibration needs at least one training score');
    if (!Number.isInteger(maxQuantiles) || maxQuantiles < 2)
      throw new RangeError('maxQuantiles must be >= 2');
    if (!(tailFraction >= 0 && tailFraction < 1)) throw new RangeError('tailFraction must be in [0, 1)');
    const sorted = Float64Array.from(trainingScores).sort();
    if (
      Number.isNaN(sorted[count - 1]) ||
      !Number.isFinite(sorted[0]) ||
      !Number.isFinite(sorted[count - 1])
    ) {
      throw new RangeError('calibration scores must be finite numbers');
    }
    let quantiles = sorted;
    if (count > maxQuantiles) {
      quantiles = new Float64Array(maxQuantiles);
      for (let j = 0; j < maxQuantiles; j++) {
        quantiles[j] = interpolateSorted(sorted, (j * (count - 1)) / (maxQuantiles - 1));
      }
    }
    const rankBased = new ScoreCalibration(count, quantiles, undefined);
    return tailFraction === 0
      ? rankBased
      : new ScoreCalibration(count, quantiles, fitTail(sorted, tailFraction, rankBased));
  }

  /** The calibrated score p in [0, 1). */
  calibrate(rawScore: number): number {
    return 1 - this.exceedance(rawScore);
  }

  calibrateAll(rawScores: ArrayLike<number>): Float64Array {
    const result = new Float64Array(rawScores.length);
    for (let i = 0; i < result.length; i++) result[i] = this.calibrate(rawScores[i]);
    return result;
  }

  /** 1 - p: the estimated fraction of training rows scoring higher. */
  exceedance(rawScore: number): number {
    return Math.exp(-this.surprisal(rawScore));
  }

  /**
   * -ln(1 - p), computed without forming 1 - p, so it stays exact far out in the tail where p rounds to 1:
   * about 4.6 at the top 1%, 6.9 at the top 0.1%, and growing linearly with the score in the tail.
   */
  surprisal(rawScore: number): number {
    if (Number.isNaN(rawScore)) throw new RangeError('cannot calibrate NaN');
    const tail = this.tail;
    if (tail !== undefined && rawScore > tail.threshold) {
      return -Math.log(tail.exceedanceAtThreshold) + (rawScore - tail.threshold) / tail.scale;
    }
    return -Math.log(this.empiricalExceedance(rawScore));
  }

  toJSON(): ScoreCalibrationJson {
    return {
      format: 'score-calibration/v1',
      trainingSize: this.trainingSize,
      quantiles: Array.from(this.quantiles),
      ...(this.tail ? { tail: { ...this.tail } } : {}),
    };
  }

  static fromJSON(json: ScoreCalibrationJson): ScoreCalibration {
    if (json?.format !== 'score-calibration/v1') throw new TypeError('not a score-calibration/v1 model');
    const quantiles = Float64Array.from(json.quantiles ?? []);
    if (quantiles.length === 0 || !(json.trainingSize >= quantiles.length)) {
      throw new TypeError('calibration JSON needs quantiles and a training size at least as large');
    }
    for (let j = 1; j < quantiles.length; j++) {
      if (!(quantiles[j] >= quantiles[j - 1])) throw new TypeError('calibration quantiles must be ascending');
    }
    const tail = json.tail;
    if (
      tail !== undefined &&
      !(tail.scale > 0 && tail.exceedanceAtThreshold > 0 && Number.isFinite(tail.threshold))
    ) {
      throw new TypeError('calibration JSON has an invalid tail');
    }
    return new ScoreCalibration(json.trainingSize, quantiles, tail && { ...tail });
  }

  /** Mid-rank empirical exceedance, interpolated between the stored quantiles. */
  private empiricalExceedance(rawScore: number): number {
    const quantiles = this.quantiles;
    const last = quantiles.length - 1;
    const n = this.trainingSize;
    if (rawScore > quantiles[last]) {
      return (
        ((0.5 / n) * this.beyondMaximumSpread) / (this.beyondMaximumSpread + (rawScore - quantiles[last]))
      );
    }
    if (rawScore < quantiles[0]) return 1;
    const firstNotBelow = lowerBound(quantiles, rawScore);
    const firstAbove = upperBound(quantiles, rawScore);
    let rank: number;
    if (firstNotBelow < firstAbove) {
      rank = (this.rankOf(firstNotBelow) + this.rankOf(firstAbove - 1)) / 2;
    } else {
      const below = firstNotBelow - 1;
      const fraction = (rawScore - quantiles[below]) / (quantiles[firstNotBelow] - quantiles[below]);
      rank = this.rankOf(below) + fraction * (this.rankOf(firstNotBelow) - this.rankOf(below));
    }
    return (n - rank - 0.5) / n;
  }

  /** Rank (0-based, fractional) in the sorted training scores of stored quantile j. */
  private rankOf(j: number): number {
    const last = this.quantiles.length - 1;
    return last === 0 ? 0 : (j * (this.trainingSize - 1)) / last;
  }
}

/**
 * The exponential tail above the (1 - tailFraction) quantile, or undefined when nothing lies above it (a
 * score with that many ties at the top has no tail to describe).
 */
function fitTail(
  sorted: Float64Array,
  tailFraction: number,
  rankBased: ScoreCalibration,
): ScoreCalibrationJson['tail'] {
  const threshold = interpolateSorted(sorted, (1 - tailFraction) * (sorted.length - 1));
  const firstAbove = upperBound(sorted, threshold);
  if (firstAbove === sorted.length) return undefined;
  const excesses = sorted.subarray(firstAbove).map((score) => score - threshold); // ascending already
  const middle = excesses.length >> 1;
  const medianExcess =
    excesses.length % 2 === 1 ? excesses[middle] : (excesses[middle - 1] + excesses[middle]) / 2;
  return {
    threshold,
    exceedanceAtThreshold: rankBased.exceedance(threshold),
    scale: medianExcess / Math.LN2,
  };
}

/** Linear interpolation between sorted[floor(rank)] and sorted[ceil(rank)] (numpy's default quantile). */
function interpolateSorted(sorted: Float64Array, rank: number): number {
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = rank - below;
  return fraction === 0 ? sorted[below] : sorted[below] + fraction * (sorted[above] - sorted[below]);
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
