import { NumericMatrix } from './numeric-matrix';
import { SeededRandom } from './seeded-random';

const EULER_MASCHERONI = 0.5772156649;
const NO_FEATURE = -1;

/**
 * c(n): the average path length of an unsuccessful search in a binary search tree of n items, which is
 * the expected depth at which a random tree isolates one of n points (Liu, Ting & Zhou, TKDD 2012):
 * c(n) = 2H(n-1) - 2(n-1)/n with H(i) ≈ ln(i) + γ. For n = 2 the harmonic number is exact (H(1) = 1), so
 * c(2) = 1, as in the paper and scikit-learn; one point or none needs no further split, c = 0.
 */
export function averagePathLength(pointCount: number): number {
  if (pointCount <= 1) return 0;
  if (pointCount === 2) return 1;
  return 2 * (Math.log(pointCount - 1) + EULER_MASCHERONI) - (2 * (pointCount - 1)) / pointCount;
}

export interface IsolationForestOptions {
  /** Number of trees; 100 by default. */
  treeCount?: number;
  /** Rows per tree (psi); min(256, n) by default, and never more than n. */
  subsampleSize?: number;
  seed?: number;
}

export interface IsolationForestJson {
  format: 'isolation-forest/v1';
  columnCount: number;
  subsampleSize: number;
  heightLimit: number;
  seed: number;
  treeRoots: number[];
  splitFeature: number[];
  splitThreshold: number[];
  leftChild: number[];
  nodeSize: number[];
  leafPathLength: number[];
}

interface ForestNodes {
  splitFeature: Int32Array;
  splitThreshold: Float64Array;
  leftChild: Int32Array;
  nodeSize: Int32Array;
  leafPathLength: Float64Array;
}

/**
 * Isolation Forest (Liu, Ting & Zhou 2008): anomalies are few and different, so random axis-parallel cuts
 * isolate them in fewer steps than ordinary points. Score = 2^(-E[h(x)] / c(psi)); about 0.5 or below is
 * ordinary, close to 1 is anomalous.
 *
 * All trees live in one set of flat typed arrays (node i: split feature or -1 for a leaf, threshold, index
 * of the left child — the right child is always the next node —, training rows that reached it, and for
 * leaves the finished path length depth + c(size)). Scoring then is a tight loop over numbers, and the
 * model serialises as a handful of number arrays.
 */
export class IsolationForest {
  private readonly normaliser: number;
  /** ln(nodeSize), built on first use by explainRow */
  private logSizes: Float64Array | undefined;

  private constructor(
    readonly columnCount: number,
    readonly subsampleSize: number,
    readonly heightLimit: number,
    readonly seed: number,
    private readonly treeRoots: Int32Array,
    private readonly nodes: ForestNodes,
  ) {
    this.normaliser = averagePathLength(subsampleSize);
  }

  static fit(data: NumericMatrix, options: IsolationForestOptions = {}): IsolationForest {
    const treeCount = options.treeCount ?? 100;
    const seed = options.seed ?? 0;
    if (!Number.isInteger(treeCount) || treeCount < 1)
      throw new RangeError(`treeCount must be >= 1, got ${treeCount}`);
    if (data.rowCount < 1) throw new RangeError('isolation forest needs at least one row');
    const subsampleSize = Math.min(options.subsampleSize ?? 256, data.rowCount);
    if (!Number.isInteger(subsampleSize) || subsampleSize < 1) {
      throw new RangeError(`subsampleSize must be >= 1, got ${options.subsampleSize}`);
    }
    // Trees stop at the average height of a balanced tree: below it the points are ordinary anyway, and
    // c(size) estimates the rest of the path.
    const heightLimit = Math.ceil(Math.log2(Math.max(subsampleSize, 2)));
    const builder = new ForestBuilder(data, treeCount * (2 * subsampleSize - 1), new SeededRandom(seed));
    const treeRoots = new Int32Array(treeCount);
    for (let tree = 0; tree < treeCount; tree++) {
      treeRoots[tree] = builder.growTree(subsampleSize, heightLimit);
    }
    return new IsolationForest(
      data.columnCount,
      subsampleSize,
      heightLimit,
      seed,
      treeRoots,
      builder.finish(),
    );
  }

  get treeCount(): number {
    return this.treeRoots.length;
  }

  /** E[h(x)]: the path length averaged over the trees. */
  meanPathLength(row: ArrayLike<number>): number {
    this.requireColumns(row.length);
    return this.meanPathLengthAt(row, 0);
  }

  scoreRow(row: ArrayLike<number>): number {
    return this.scoreFromPathLength(this.meanPathLength(row));
  }

  score(data: NumericMatrix): Float64Array {
    this.requireColumns(data.columnCount);
    const scores = new Float64Array(data.rowCount);
    for (let rowIndex = 0; rowIndex < data.rowCount; rowIndex++) {
      scores[rowIndex] = this.scoreFromPathLength(
        this.meanPathLengthAt(data.values, rowIndex * data.columnCount),
      );
    }
    return scores;
  }

  /**
   * How much each feature did to isolate the row, as shares that sum to 1 (all zero if no split applied).
   *
   * Along each path a split that sends the row to a child holding m of the parent's n training rows has
   * shrunk the row's company by the factor n/m; the feature of that split is credited ln(n/m). The credits
   * of one path add up to ln(psi / leaf size), the whole isolation, so the shares decompose it exactly:
   * a feature that cut the row off early and alone gets most of it, a feature used for ordinary
   * halving splits gets ln 2 per use.
   */
  featureAttribution(row: ArrayLike<number>): Float64Array {
    this.requireColumns(row.length);
    const credit = new Float64Array(this.columnCount);
    const { splitFeature, splitThreshold, leftChild, nodeSize } = this.nodes;
    for (let tree = 0; tree < this.treeRoots.length; tree++) {
      let node = this.treeRoots[tree];
      while (splitFeature[node] !== NO_FEATURE) {
        const feature = splitFeature[node];
        const child = row[feature] <= splitThreshold[node] ? leftChild[node] : leftChild[node] + 1;
        credit[feature] += Math.log(nodeSize[node] / nodeSize[child]);
        node = child;
      }
    }
    return normaliseToShares(credit);
  }

  /**
   * scoreRow and featureAttribution from one walk down each tree (the stage explains every viewer it
   * scores, so this is its hot path); the same numbers as the two calls, up to rounding.
   */
  explainRow(row: ArrayLike<number>): { score: number; featureShares: Float64Array } {
    this.requireColumns(row.length);
    const credit = new Float64Array(this.columnCount);
    const { splitFeature, splitThreshold, leftChild, leafPathLength } = this.nodes;
    const logSize = this.logNodeSizes();
    let total = 0;
    for (let tree = 0; tree < this.treeRoots.length; tree++) {
      let node = this.treeRoots[tree];
      let feature = splitFeature[node];
      while (feature !== NO_FEATURE) {
        const child = row[feature] <= splitThreshold[node] ? leftChild[node] : leftChild[node] + 1;
        credit[feature] += logSize[node] - logSize[child];
        node = child;
        feature = splitFeature[node];
      }
      total += leafPathLength[node];
    }
    return {
      score: this.scoreFromPathLength(total / this.treeRoots.length),
      featureShares: normaliseToShares(credit),
    };
  }

  /** ln(training rows that reached each node), computed once: the attribution's logs become subtractions. */
  private logNodeSizes(): Float64Array {
    if (!this.logSizes) this.logSizes = Float64Array.from(this.nodes.nodeSize, (size) => Math.log(size));
    return this.logSizes;
  }

  toJSON(): IsolationForestJson {
    return {
      format: 'isolation-forest/v1',
      columnCount: this.columnCount,
      subsampleSize: this.subsampleSize,
      heightLimit: this.heightLimit,
      seed: this.seed,
      treeRoots: Array.from(this.treeRoots),
      splitFeature: Array.from(this.nodes.splitFeature),
      splitThreshold: Array.from(this.nodes.splitThreshold),
      leftChild: Array.from(this.nodes.leftChild),
      nodeSize: Array.from(this.nodes.nodeSize),
      leafPathLength: Array.from(this.nodes.leafPathLength),
    };
  }

  static fromJSON(json: IsolationForestJson): IsolationForest {
    if (json?.format !== 'isolation-forest/v1') throw new TypeError('not an isolation-forest/v1 model');
    const nodeCount = json.splitFeature.length;
    const arrays = [json.splitThreshold, json.leftChild, json.nodeSize, json.leafPathLength];
    if (arrays.some((array) => !Array.isArray(array) || array.length !== nodeCount)) {
      throw new TypeError('isolation forest JSON has node arrays of different lengths');
    }
    const nodes: ForestNodes = {
      splitFeature: Int32Array.from(json.splitFeature),
      splitThreshold: Float64Array.from(json.splitThreshold),
      leftChild: Int32Array.from(json.leftChild),
      nodeSize: Int32Array.from(json.nodeSize),
      leafPathLength: Float64Array.from(json.leafPathLength),
    };
    // A corrupt model must fail here, not loop or read out of bounds while scoring.
    for (let node = 0; node < nodeCount; node++) {
      const feature = nodes.splitFeature[node];
      if (feature === NO_FEATURE) continue;
      const left = nodes.leftChild[node];
      if (feature < 0 || feature >= json.columnCount || left <= node || left + 1 >= nodeCount) {
        throw new TypeError(`isolation forest JSON has an invalid split at node ${node}`);
      }
    }
    if (json.treeRoots.some((root) => !Number.isInteger(root) || root < 0 || root >= nodeCount)) {
      throw new TypeError('isolation forest JSON has a tree root outside the node arrays');
    }
    return new IsolationForest(
      json.columnCount,
      json.subsampleSize,
      json.heightLimit,
      json.seed,
      Int32Array.from(json.treeRoots),
      nodes,
    );
  }

  private meanPathLengthAt(values: ArrayLike<number>, offset: number): number {
    const { splitFeature, splitThreshold, leftChild, leafPathLength } = this.nodes;
    const roots = this.treeRoots;
    let total = 0;
    for (let tree = 0; tree < roots.length; tree++) {
      let node = roots[tree];
      let feature = splitFeature[node];
      while (feature !== NO_FEATURE) {
        node = values[offset + feature] <= splitThreshold[node] ? leftChild[node] : leftChild[node] + 1;
        feature = splitFeature[node];
      }
      total += leafPathLength[node];
    }
    return total / roots.length;
  }

  private scoreFromPathLength(meanPathLength: number): number {
    // With psi = 1 every path is empty and c(1) = 0: nothing can be told apart, so score the neutral 0.5.
    if (this.normaliser === 0) return 0.5;
    return Math.pow(2, -meanPathLength / this.normaliser);
  }

  private requireColumns(columnCount: number): void {
    if (columnCount !== this.columnCount) {
      throw new RangeError(`isolation forest was fitted on ${this.columnCount} columns, got ${columnCount}`);
    }
  }
}

/** Grows trees into preallocated flat arrays; one instance per fit. */
class ForestBuilder {
  private readonly nodes: ForestNodes;
  private nodeCount = 0;
  private readonly featureOrder: Int32Array;

  constructor(
    private readonly data: NumericMatrix,
    maxNodeCount: number,
    private readonly random: SeededRandom,
  ) {
    this.nodes = {
      splitFeature: new Int32Array(maxNodeCount),
      splitThreshold: new Float64Array(maxNodeCount),
      leftChild: new Int32Array(maxNodeCount),
      nodeSize: new Int32Array(maxNodeCount),
      leafPathLength: new Float64Array(maxNodeCount),
    };
    this.featureOrder = new Int32Array(data.columnCount);
  }

  /** Builds one tree on a fresh subsample and returns its root's node index. */
  growTree(subsampleSize: number, heightLimit: number): number {
    const rows = this.random.sampleWithoutReplacement(this.data.rowCount, subsampleSize);
    const root = this.allocateNodes(1);
    // Explicit stack of (node, first row, end row, depth): trees of 256 rows are shallow, but an explicit
    // stack keeps the node numbering and the random draws in one obvious order.
    const pending: number[] = [root, 0, subsampleSize, 0];
    while (pending.length > 0) {
      const depth = pending.pop()!;
      const end = pending.pop()!;
      const start = pending.pop()!;
      const node = pending.pop()!;
      this.nodes.nodeSize[node] = end - start;
      const split = depth < heightLimit && end - start > 1 ? this.chooseSplit(rows, start, end) : undefined;
      if (split === undefined) {
        this.nodes.splitFeature[node] = NO_FEATURE;
        this.nodes.leafPathLength[node] = depth + averagePathLength(end - start);
        continue;
      }
      const middle = this.partition(rows, start, end, split.feature, split.threshold);
      const left = this.allocateNodes(2);
      this.nodes.splitFeature[node] = split.feature;
      this.nodes.splitThreshold[node] = split.threshold;
      this.nodes.leftChild[node] = left;
      pending.push(left + 1, middle, end, depth + 1, left, start, middle, depth + 1);
    }
    return root;
  }

  finish(): ForestNodes {
    const used = this.nodeCount;
    return {
      splitFeature: this.nodes.splitFeature.slice(0, used),
      splitThreshold: this.nodes.splitThreshold.slice(0, used),
      leftChild: this.nodes.leftChild.slice(0, used),
      nodeSize: this.nodes.nodeSize.slice(0, used),
      leafPathLength: this.nodes.leafPathLength.slice(0, used),
    };
  }

  /**
   * A random feature that is not constant on these rows, and a threshold uniform between its min and max.
   * Features are drawn without replacement until a non-constant one turns up (as scikit-learn does), so
   * a constant column never wastes a level of the tree; if every feature is constant the node is a leaf.
   */
  private chooseSplit(
    rows: Int32Array,
    start: number,
    end: number,
  ): { feature: number; threshold: number } | undefined {
    const { values, columnCount } = this.data;
    const order = this.featureOrder;
    for (let i = 0; i < columnCount; i++) order[i] = i;
    for (let drawn = 0; drawn < columnCount; drawn++) {
      const pick = drawn + this.random.nextInt(columnCount - drawn);
      const feature = order[pick];
      order[pick] = order[drawn];
      order[drawn] = feature;
      let min = Infinity;
      let max = -Infinity;
      for (let i = start; i < end; i++) {
        const value = values[rows[i] * columnCount + feature];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      if (!(max > min)) continue;
      let threshold = min + this.random.nextFloat() * (max - min);
      // Rounding can land exactly on max, which would leave the right side empty.
      if (threshold >= max) threshold = min;
      return { feature, threshold };
    }
    return undefined;
  }

  /** Moves rows with value <= threshold to the front; returns where the right side starts. */
  private partition(
    rows: Int32Array,
    start: number,
    end: number,
    feature: number,
    threshold: number,
  ): number {
    const { values, columnCount } = this.data;
    let left = start;
    let right = end - 1;
    while (left <= right) {
      if (values[rows[left] * columnCount + feature] <= threshold) {
        left++;
      } else {
        const swap = rows[left];
        rows[left] = rows[right];
        rows[right] = swap;
        right--;
      }
    }
    return left;
  }

  private allocateNodes(count: number): number {
    const first = this.nodeCount;
    this.nodeCount += count;
    return first;
  }
}

function normaliseToShares(weights: Float64Array): Float64Array {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  if (total > 0) for (let i = 0; i < weights.length; i++) weights[i] /= total;
  return weights;
}
