import { checkSync } from 'recheck';
import { AttackPattern } from './attack-pattern';
import { ATTACK_PATTERNS } from './attack-pattern-catalogue';
import { AttackPatternDetector } from './attack-pattern-detector';
import { normaliseForScanning } from './scan-text-normaliser';

/*
 * The patterns run on attacker-controlled text with JavaScript's backtracking engine, so each one must
 * match in time linear in the input. Two independent arguments:
 * 1. recheck, a ReDoS analyser, proves it statically (automaton analysis, falling back to fuzzing for
 *    large bounded repeats).
 * 2. Every pattern is timed on inputs built to provoke backtracking, 50,000 characters long (six times
 *    what the detector ever scans): long runs of each character the pattern mentions, and each of its
 *    examples with the last character cut off (a near miss) repeated end to end. Quadratic behaviour
 *    at that length costs seconds; linear costs a few milliseconds.
 */

const ADVERSARIAL_LENGTH = 50_000;

// Generous for a shared 2-core CI machine. The catalogue's slowest case took 12 ms on the development
// machine, while a quadratic pattern of the kind the rules avoid, /<[a-z][^>]*on\w+=/ on '<a' × 25,000,
// took 2.7 s: the threshold sits far from both.
const MAX_MILLISECONDS_PER_MATCH = 250;

function repeatToLength(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

function adversarialInputs(pattern: AttackPattern): string[] {
  // Characters the source mentions, plus representatives of \d, \w and \s.
  const characters = new Set([...pattern.regex.source.replace(/\\[dwsbDWSB]/g, ''), '1', 'a', ' ', '\n']);
  const runs = [...characters].map((character) => character.repeat(ADVERSARIAL_LENGTH));
  const allCharacters = repeatToLength([...characters].join(''), ADVERSARIAL_LENGTH);
  const nearMisses = pattern.examples.flatMap((example) => {
    const normalised = normaliseForScanning(example);
    return [
      repeatToLength(normalised.slice(0, -1), ADVERSARIAL_LENGTH),
      repeatToLength(normalised.slice(0, Math.ceil(normalised.length / 2)) + ' ', ADVERSARIAL_LENGTH),
    ];
  });
  return [...runs, allCharacters, ...nearMisses];
}

function millisecondsToMatch(regex: RegExp, input: string): number {
  const start = process.hrtime.bigint();
  regex.exec(input);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('attack patterns run in linear time', () => {
  it.each(ATTACK_PATTERNS.map((pattern) => [pattern.id, pattern] as const))(
    '%s is judged safe by recheck',
    (_id, pattern) => {
      // No wall-clock timeout: on a loaded machine it would turn "safe" into a flaky "unknown".
      const diagnostics = checkSync(pattern.regex.source, pattern.regex.flags, { timeout: null });
      expect({
        status: diagnostics.status,
        attack: diagnostics.status === 'vulnerable' ? diagnostics.attack.pattern : undefined,
      }).toEqual({
        status: 'safe',
        attack: undefined,
      });
    },
    60_000,
  );

  it.each(ATTACK_PATTERNS.map((pattern) => [pattern.id, pattern] as const))(
    '%s matches 50,000-character adversarial inputs quickly',
    (_id, pattern) => {
      const slowest = adversarialInputs(pattern)
        .map((input) => ({
          input: input.slice(0, 30),
          milliseconds: millisecondsToMatch(pattern.regex, input),
        }))
        .reduce((worst, current) => (current.milliseconds > worst.milliseconds ? current : worst));
      expect(slowest.milliseconds).toBeLessThan(MAX_MILLISECONDS_PER_MATCH);
    },
  );
});

describe('a whole scan has a fixed time ceiling', () => {
  const detector = new AttackPatternDetector();

  it.each([
    ['a megabyte of percent escapes', '%25'.repeat(350_000)],
    ['a megabyte of character references', '&#x26;'.repeat(175_000)],
    ['a megabyte of comment delimiters', '/**/'.repeat(262_144)],
    ['a megabyte of mixed whitespace', ' \t\r\n'.repeat(262_144)],
    ['a megabyte of near-miss payloads', "' or 'a'= <scrip ../.. ; ca {{7* $(i ".repeat(30_000)],
  ])('scanning %s takes well under a second', (_name, input) => {
    const start = process.hrtime.bigint();
    detector.scan(input);
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(500);
  });
});
