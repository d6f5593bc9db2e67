/**
 * Save-time bounds on every rule expression (condition, explanation, severity overrides), so that what
 * a rule can cost per evaluation is bounded before it ever runs: CEL has no loops, but comprehensions
 * (map, filter, all, exists, exists_one) iterate, and one inside another multiplies (a 1000 × 1000 `map`
 * builds a million values per evaluation). The type checker and the evaluator recurse over the syntax
 * tree, so its depth is bounded too. The shipped rule packs stay well inside every bound.
 */
import type { ASTNode } from '@marcbachmann/cel-js';

/** Longest expression source, in characters. */
export const MAX_EXPRESSION_LENGTH = 4000;
/** Deepest nesting of the syntax tree (each operator, call, member access or literal is one level). */
export const MAX_EXPRESSION_DEPTH = 32;
/** Most syntax-tree nodes in one expression. */
export const MAX_EXPRESSION_NODES = 400;
/**
 * Most comprehensions (map, filter, all, exists, exists_one) nested inside one another. 1: a
 * comprehension may not iterate inside another one's body or range, so an evaluation is at most linear
 * in the lists it reads.
 */
export const MAX_COMPREHENSION_NESTING = 1;

/** Most severity overrides on one rule (each is an expression a finding evaluates). */
export const MAX_SEVERITY_OVERRIDES = 8;

/**
 * Limits handed to the CEL parser itself. They sit above the bounds above, so an expression between
 * the two is parsed and then refused with a message naming our bound, while a pathological one (10,000
 * nested parentheses) is stopped by the parser before it recurses that deep.
 */
export const PARSER_LIMITS = { maxAstNodes: 2000, maxDepth: 64, maxListElements: 200 } as const;

/**
 * Functions of the CEL library a rule may not call. `split` turns one text into a list as long as the
 * text: a comprehension over `"<1000 characters>".split("")` whose body splits another such text builds
 * a million values per evaluation without nesting comprehensions. Without it, a comprehension's range is
 * a list literal (at most 200 elements), a list from the event or state, or a concatenation of those,
 * all bounded by the other limits or by what ingestion accepts.
 */
export const UNAVAILABLE_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  [
    'split',
    'split() is not available in rules: it turns a text into a list of any length, which a comprehension then multiplies (use contains, startsWith, endsWith or matches)',
  ],
]);

export const COMPREHENSION_MACROS: ReadonlySet<string> = new Set([
  'map',
  'filter',
  'all',
  'exists',
  'exists_one',
]);

export interface ExpressionShape {
  nodes: number;
  depth: number;
  comprehensionNesting: number;
  /** Unavailable functions the expression calls (see UNAVAILABLE_FUNCTIONS). */
  unavailable: string[];
}

function isNode(x: unknown): x is ASTNode {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && typeof (x as { op?: unknown }).op === 'string';
}

/** Children of a node: AST nodes anywhere inside its args (args hold nodes, arrays and plain values). */
function children(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const visit = (x: unknown, depth: number) => {
    if (isNode(x)) out.push(x);
    else if (Array.isArray(x) && depth < 3) for (const y of x) visit(y, depth + 1);
  };
  visit((node as { args: unknown }).args, 0);
  return out;
}

function isComprehension(node: ASTNode): boolean {
  return node.op === 'rcall' && COMPREHENSION_MACROS.has((node.args as unknown[])[0] as string);
}

/**
 * Size, depth and comprehension nesting of a parsed expression. Iterative (an explicit stack), so even
 * a tree deeper than the bounds is measured without recursion.
 */
export function measureExpression(root: ASTNode): ExpressionShape {
  let nodes = 0;
  let depth = 0;
  let comprehensionNesting = 0;
  const unavailable = new Set<string>();
  const stack: Array<{ node: ASTNode; depth: number; comprehensions: number }> = [
    { node: root, depth: 1, comprehensions: 0 },
  ];
  while (stack.length > 0) {
    const { node, depth: d, comprehensions } = stack.pop()!;
    nodes++;
    if (d > depth) depth = d;
    if ((node.op === 'rcall' || node.op === 'call') && UNAVAILABLE_FUNCTIONS.has(node.args[0] as string)) {
      unavailable.add(node.args[0] as string);
    }
    if (comprehensions > comprehensionNesting) comprehensionNesting = comprehensions;
    if (isComprehension(node)) {
      // The range (receiver) is evaluated once, outside the loop: a chain l.map(..).filter(..) adds up,
      // it does not multiply. The body runs once per element: a comprehension there is nested.
      const [, receiver, args] = node.args as [string, ASTNode, ASTNode[]];
      const inner = comprehensions + 1;
      if (inner > comprehensionNesting) comprehensionNesting = inner;
      stack.push({ node: receiver, depth: d + 1, comprehensions });
      for (const a of args) stack.push({ node: a, depth: d + 1, comprehensions: inner });
      continue;
    }
    for (const child of children(node)) stack.push({ node: child, depth: d + 1, comprehensions });
  }
  return { nodes, depth, comprehensionNesting, unavailable: [...unavailable] };
}

/** The bounds an expression breaks, each as a sentence naming the bound; empty when within them. */
export function boundViolations(shape: ExpressionShape): string[] {
  const problems: string[] = shape.unavailable.map((name) => UNAVAILABLE_FUNCTIONS.get(name)!);
  if (shape.nodes > MAX_EXPRESSION_NODES) {
    problems.push(`the expression has ${shape.nodes} syntax nodes, at most ${MAX_EXPRESSION_NODES}`);
  }
  if (shape.depth > MAX_EXPRESSION_DEPTH) {
    problems.push(`the expression nests ${shape.depth} levels deep, at most ${MAX_EXPRESSION_DEPTH}`);
  }
  if (shape.comprehensionNesting > MAX_COMPREHENSION_NESTING) {
    problems.push(
      `the expression nests ${shape.comprehensionNesting} comprehensions (map, filter, all, exists, exists_one) inside one another, at most ${MAX_COMPREHENSION_NESTING}`,
    );
  }
  return problems;
}
