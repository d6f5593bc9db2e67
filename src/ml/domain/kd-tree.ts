import { NumericMatrix } from './numeric-matrix';
import { AllNeighbours, NeighbourIndex, NeighbourQuery } from './brute-force-neighbours';
import { PrincipalAxes } from './principal-axes';

const NO_CHILD = -1;

/** The tree as flat arrays; node i's box is nodeLower/nodeUpper[i * columns .. (i + 1) * columns). */
export interface KdTreeLayout {
  /** The frame the points are stored in; queries are projected onto it first. */
  axes: PrincipalAxes;
  /** Coordinates along `axes`, in tree order: position p holds input row treeOrder[p]. */
  points: Float64Array;
  treeOrder: Int32Array;
  nodeStart: Int32Array;
  nodeEnd: Int32Array;
  /** Index of the left child, or -1 for a leaf; the right child is always the next node. */
  nodeLeft: Int32Array;
  nodeLower: Float64Array;
  nodeUpper: Float64Array;
  /**
   * Columns that some node was split on. Box distances are summed over these only: that still bounds
   * the true distance from below (every term is >= 0), and in wide data the other columns' boxes span
   * nearly the whole range, add almost nothing, and would dominate the cost of a query.
   */
  splitColumns: Int32Array;
}

/**
 * A k-d tree for exact Euclidean k-nearest-neighbour queries.
 *
 * Brute force costs n^2 distances — 10^10 for 100,000 rows. The tree splits the widest dimension at its
 * median until nodes hold at most `leafSize` points, and keeps each node's tight bounding box, so a query
 * skips any node whose box is farther than the current k-th neighbour. The points are copied in tree order
 * so a leaf's points are contiguous in memory, and rotated onto their principal axes (see PrincipalAxes),
 * which leaves distances unchanged but lets the cuts follow correlated data.
 */
export class KdTree implements NeighbourIndex {
  private constructor(
    readonly columnCount: number,
    private readonly layout: KdTreeLayout,
  ) {}

  static build(data: NumericMatrix, leafSize = 24): KdTree {
    if (!Number.isInteger(leafSize) || leafSize < 1)
      throw new RangeError(`leafSize must be >= 1, got ${leafSize}`);
    return new KdTree(data.columnCount, new KdTreeBuilder(data, leafSize).build());
  }

  get pointCount(): number {
    return this.layout.treeOrder.length;
  }

  /**
   * Input row indices in the tree's own order. Querying the tree's rows in this order keeps consecutive
   * queries in the same nodes, which the CPU cache rewards.
   */
  get treeOrder(): Int32Array {
    return this.layout.treeOrder;
  }

  /** A reusable query object for k neighbours; one per caller, since it keeps the last result. */
  searcher(neighbourCount: number): NeighbourSearch {
    return new NeighbourSearch(this.layout, this.columnCount, neighbourCount);
  }

  allNeighbours(neighbourCount: number): AllNeighbours {
    const indices = new Int32Array(this.pointCount * neighbourCount);
    const distances = new Float64Array(this.pointCount * neighbourCount);
    const search = this.searcher(neighbourCount);
    for (const rowIndex of this.treeOrder) {
      search.searchExcludingSelf(rowIndex);
      indices.set(search.indices, rowIndex * neighbourCount);
      distances.set(search.distances, rowIndex * neighbourCount);
    }
    return { indices, distances };
  }
}

/**
 * Holds the k-best heap and the result buffers of one query, so a loop of 100,000 queries allocates
 * nothing per query. After `search`, `indices[0..found)` are input row indices sorted by ascending
 * `distances`.
 */
export class NeighbourSearch implements NeighbourQuery {
  readonly indices: Int32Array;
  readonly distances: Float64Array;
  found = 0;

  private readonly heapDistance: Float64Array;
  private readonly heapPosition: Int32Array;
  private heapSize = 0;
  /** The query in the tree's frame (principal axes), in a typed array so the hot loops see one array type. */
  private readonly queryPoint: Float64Array;
  private excludedPosition = -1;
  private readonly axes: PrincipalAxes;
  private readonly points: Float64Array;
  private readonly treeOrder: Int32Array;
  private readonly nodeStart: Int32Array;
  private readonly nodeEnd: Int32Array;
  private readonly nodeLeft: Int32Array;
  private readonly nodeLower: Float64Array;
  private readonly nodeUpper: Float64Array;
  private readonly splitColumns: Int32Array;
  private readonly columnCount: number;
  private readonly positionOfRow: Int32Array;

  constructor(
    layout: KdTreeLayout,
    columnCount: number,
    readonly neighbourCount: number,
  ) {
    if (!Number.isInteger(neighbourCount) || neighbourCount < 1) {
      throw new RangeError(`neighbourCount must be >= 1, got ${neighbourCount}`);
    }
    this.axes = layout.axes;
    this.points = layout.points;
    this.treeOrder = layout.treeOrder;
    this.nodeStart = layout.nodeStart;
    this.nodeEnd = layout.nodeEnd;
    this.nodeLeft = layout.nodeLeft;
    this.nodeLower = layout.nodeLower;
    this.nodeUpper = layout.nodeUpper;
    this.splitColumns = layout.splitColumns;
    this.columnCount = columnCount;
    this.positionOfRow = new Int32Array(this.treeOrder.length);
    for (let position = 0; position < this.treeOrder.length; position++) {
      this.positionOfRow[this.treeOrder[position]] = position;
    }
    this.indices = new Int32Array(neighbourCount);
    this.distances = new Float64Array(neighbourCount);
    this.heapDistance = new Float64Array(neighbourCount);
    this.heapPosition = new Int32Array(neighbourCount);
    this.queryPoint = new Float64Array(columnCount);
  }

  /** Neighbours of an arbitrary point: `values[offset .. offset + columns)`. */
  search(values: ArrayLike<number>, offset = 0): number {
    return this.run(values, offset, -1);
  }

  /** Neighbours of one of the tree's own rows, leaving that row out (duplicates of it still count). */
  searchExcludingSelf(rowIndex: number): number {
    const position = this.positionOfRow[rowIndex];
    return this.run(this.points, position * this.columnCount, position);
  }

  private run(values: ArrayLike<number>, offset: number, excludedPosition: number): number {
    if (excludedPosition >= 0) {
      this.queryPoint.set(this.points.subarray(offset, offset + this.columnCount)); // already projected
    } else {
      this.axes.projectInto(values, offset, this.queryPoint, 0);
    }
    this.excludedPosition = excludedPosition;
    this.heapSize = 0;
    if (this.nodeStart.length > 0) this.visit(0, this.boxDistanceSquared(0));
    this.drainHeapSorted();
    return this.found;
  }

  private visit(node: number, boxDistanceSquared: number): void {
    if (this.heapSize === this.neighbourCount && boxDistanceSquared >= this.heapDistance[0]) return;
    const left = this.nodeLeft[node];
    if (left === NO_CHILD) {
      this.scanLeaf(node);
      return;
    }
    const worst = this.heapSize === this.neighbourCount ? this.heapDistance[0] : Infinity;
    const leftDistance = this.boxDistanceSquared(left, worst);
    const rightDistance = this.boxDistanceSquared(left + 1, worst);
    // Nearer child first: it tightens the k-th distance sooner and prunes more of the farther one.
    if (leftDistance <= rightDistance) {
      this.visit(left, leftDistance);
      this.visit(left + 1, rightDistance);
    } else {
      this.visit(left + 1, rightDistance);
      this.visit(left, leftDistance);
    }
  }

  private scanLeaf(node: number): void {
    const columns = this.columnCount;
    const points = this.points;
    const query = this.queryPoint;
    const end = this.nodeEnd[node];
    let worst = this.heapSize === this.neighbourCount ? this.heapDistance[0] : Infinity;
    for (let position = this.nodeStart[node]; position < end; position++) {
      if (position === this.excludedPosition) continue;
      const base = position * columns;
      let distance = 0;
      // Most scanned points lose, and along principal axes the first few coordinates usually show it.
      for (let column = 0; column < columns && distance < worst; column++) {
        const difference = points[base + column] - query[column];
        distance += difference * difference;
      }
      if (distance >= worst) continue;
      if (this.heapSize === this.neighbourCount) this.replaceWorst(distance, position);
      else this.push(distance, position);
      if (this.heapSize === this.neighbourCount) worst = this.heapDistance[0];
    }
  }

  /**
   * Squared distance from the query to the node's box, or some value >= `limit` once it is known to reach
   * it: such a node is skipped whatever its exact distance, and in wide data most of the work of a query
   * is in these box distances.
   */
  private boxDistanceSquared(node: number, limit = Infinity): number {
    const base = node * this.columnCount;
    const query = this.queryPoint;
    const columns = this.splitColumns;
    let distance = 0;
    for (let i = 0; i < columns.length && distance < limit; i++) {
      const column = columns[i];
      const value = query[column];
      const below = this.nodeLower[base + column] - value;
      if (below > 0) {
        distance += below * below;
      } else {
        const above = value - this.nodeUpper[base + column];
        if (above > 0) distance += above * above;
      }
    }
    return distance;
  }

  // A binary max-heap on squared distance: the root is the current k-th nearest.
  private push(distance: number, position: number): void {
    let child = this.heapSize++;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.heapDistance[parent] >= distance) break;
      this.heapDistance[child] = this.heapDistance[parent];
      this.heapPosition[child] = this.heapPosition[parent];
      child = parent;
    }
    this.heapDistance[child] = distance;
    this.heapPosition[child] = position;
  }

  private replaceWorst(distance: number, position: number): void {
    this.siftDownFromRoot(distance, position, this.heapSize);
  }

  private siftDownFromRoot(distance: number, position: number, size: number): void {
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= size) break;
      if (child + 1 < size && this.heapDistance[child + 1] > this.heapDistance[child]) child++;
      if (this.heapDistance[child] <= distance) break;
      this.heapDistance[parent] = this.heapDistance[child];
      this.heapPosition[parent] = this.heapPosition[child];
      parent = child;
    }
    this.heapDistance[parent] = distance;
    this.heapPosition[parent] = position;
  }

  private drainHeapSorted(): void {
    this.found = this.heapSize;
    for (let size = this.heapSize; size > 0; size--) {
      const slot = size - 1;
      this.distances[slot] = Math.sqrt(this.heapDistance[0]);
      this.indices[slot] = this.treeOrder[this.heapPosition[0]];
      this.siftDownFromRoot(this.heapDistance[slot], this.heapPosition[slot], slot);
    }
    this.heapSize = 0;
  }
}

class KdTreeBuilder {
  private readonly order: Int32Array;
  private readonly nodeStart: number[] = [];
  private readonly nodeEnd: number[] = [];
  private readonly nodeLeft: number[] = [];
  private readonly lowerBounds: number[] = [];
  private readonly upperBounds: number[] = [];

  private readonly data: NumericMatrix;
  private readonly axes: PrincipalAxes;
  private readonly splitColumnUsed: Uint8Array;

  constructor(
    original: NumericMatrix,
    private readonly leafSize: number,
  ) {
    this.axes = PrincipalAxes.fit(original);
    this.data = this.axes.project(original);
    this.splitColumnUsed = new Uint8Array(original.columnCount);
    this.order = new Int32Array(original.rowCount);
    for (let i = 0; i < original.rowCount; i++) this.order[i] = i;
  }

  build(): KdTreeLayout {
    const { rowCount, columnCount, values } = this.data;
    if (rowCount > 0) {
      // Depth-first with an explicit stack so a node's children get consecutive indices.
      const root = this.addNode(0, rowCount);
      const pending: number[] = [root];
      while (pending.length > 0) {
        const node = pending.pop()!;
        const start = this.nodeStart[node];
        const end = this.nodeEnd[node];
        const splitColumn = this.widestColumn(node);
        if (end - start <= this.leafSize || splitColumn < 0) continue;
        const middle = (start + end) >> 1;
        selectNth(this.order, values, columnCount, splitColumn, start, end, middle);
        const left = this.addNode(start, middle);
        this.addNode(middle, end);
        this.nodeLeft[node] = left;
        this.splitColumnUsed[splitColumn] = 1;
        pending.push(left + 1, left);
      }
    }
    const points = new Float64Array(rowCount * columnCount);
    for (let position = 0; position < rowCount; position++) {
      const source = this.order[position] * columnCount;
      points.set(values.subarray(source, source + columnCount), position * columnCount);
    }
    return {
      axes: this.axes,
      points,
      treeOrder: this.order,
      nodeStart: Int32Array.from(this.nodeStart),
      nodeEnd: Int32Array.from(this.nodeEnd),
      nodeLeft: Int32Array.from(this.nodeLeft),
      nodeLower: Float64Array.from(this.lowerBounds),
      nodeUpper: Float64Array.from(this.upperBounds),
      splitColumns: Int32Array.from(
        Array.from(this.splitColumnUsed.keys()).filter((column) => this.splitColumnUsed[column] === 1),
      ),
    };
  }

  private addNode(start: number, end: number): number {
    const { columnCount, values } = this.data;
    const node = this.nodeStart.length;
    this.nodeStart.push(start);
    this.nodeEnd.push(end);
    this.nodeLeft.push(NO_CHILD);
    const lower = new Float64Array(columnCount).fill(Infinity);
    const upper = new Float64Array(columnCount).fill(-Infinity);
    for (let i = start; i < end; i++) {
      const base = this.order[i] * columnCount;
      for (let column = 0; column < columnCount; column++) {
        const value = values[base + column];
        if (value < lower[column]) lower[column] = value;
        if (value > upper[column]) upper[column] = value;
      }
    }
    for (let column = 0; column < columnCount; column++) {
      this.lowerBounds.push(lower[column]);
      this.upperBounds.push(upper[column]);
    }
    return node;
  }

  /** The column with the largest spread in the node, or -1 when all its points coincide. */
  private widestColumn(node: number): number {
    const columns = this.data.columnCount;
    let best = -1;
    let bestSpread = 0;
    for (let column = 0; column < columns; column++) {
      const spread = this.upperBounds[node * columns + column] - this.lowerBounds[node * columns + column];
      if (spread > bestSpread) {
        bestSpread = spread;
        best = column;
      }
    }
    return best;
  }
}

/**
 * Reorders order[start..end) so that order[nth] holds the row whose `column` value would be there after
 * sorting, smaller-or-equal values before it and larger-or-equal after. Three-way partitioning keeps it
 * linear when many rows share a value (duplicated records are common in real data).
 */
function selectNth(
  order: Int32Array,
  values: Float64Array,
  columns: number,
  column: number,
  start: number,
  end: number,
  nth: number,
): void {
  let low = start;
  let high = end;
  while (high - low > 1) {
    const pivot = medianOfThree(
      values[order[low] * columns + column],
      values[order[(low + high) >> 1] * columns + column],
      values[order[high - 1] * columns + column],
    );
    // Invariant: [low, less) < pivot, [less, scan) == pivot, [greater, high) > pivot.
    let less = low;
    let scan = low;
    let greater = high;
    while (scan < greater) {
      const value = values[order[scan] * columns + column];
      if (value < pivot) {
        swap(order, less++, scan++);
      } else if (value > pivot) {
        swap(order, scan, --greater);
      } else {
        scan++;
      }
    }
    if (nth < less) high = less;
    else if (nth >= greater) low = greater;
    else return;
  }
}

function medianOfThree(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

function swap(array: Int32Array, i: number, j: number): void {
  const held = array[i];
  array[i] = array[j];
  array[j] = held;
}
