import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMlScoreArguments, runMlScore } from './ml-score';

describe('ml:score', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ml-score-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const file = (name: string) => join(directory, name);

  /** 60 ordinary rows and, as row 61, one far outlier; a label column in the middle. */
  function writeInput(name = 'in.csv'): string {
    const lines = ['x1,label,x2,x3'];
    for (let i = 0; i < 60; i++) lines.push(`${Math.sin(i)},0,${Math.cos(3 * i)},${(i % 7) / 7}`);
    lines.push('9,1,-9,5');
    writeFileSync(file(name), lines.join('\n') + '\n');
    return file(name);
  }

  function run(args: string[]): { code: number; errors: string[] } {
    const errors: string[] = [];
    const code = runMlScore(args, (message) => errors.push(message));
    return { code, errors };
  }

  it('writes one line of four scores per input row, in input order, outlier highest', () => {
    const input = writeInput();
    const { code, errors } = run([
      '--input',
      input,
      '--output',
      file('out.csv'),
      '--timings',
      file('t.json'),
    ]);
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    const [header, ...lines] = readFileSync(file('out.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe('iforest,lof,zscore,ensemble');
    expect(lines).toHaveLength(61);
    const rows = lines.map((line) => line.split(',').map(Number));
    for (const row of rows) expect(row.every(Number.isFinite)).toBe(true);
    for (let column = 0; column < 4; column++) {
      const top = rows.reduce((best, row, index) => (row[column] > rows[best][column] ? index : best), 0);
      expect(top).toBe(60);
    }
    const timings = JSON.parse(readFileSync(file('t.json'), 'utf8'));
    expect(Object.keys(timings).sort()).toEqual(['ensemble_s', 'iforest_s', 'lof_s', 'total_s', 'zscore_s']);
    expect(timings.total_s).toBeGreaterThanOrEqual(timings.lof_s);
  });

  it('gives identical output for the same seed and input, different for another seed', () => {
    const input = writeInput();
    run(['--input', input, '--output', file('a.csv'), '--seed', '4']);
    run([`--input=${input}`, `--output=${file('b.csv')}`, '--seed=4']);
    run(['--input', input, '--output', file('c.csv'), '--seed', '5']);
    expect(readFileSync(file('b.csv'), 'utf8')).toBe(readFileSync(file('a.csv'), 'utf8'));
    expect(readFileSync(file('c.csv'), 'utf8')).not.toBe(readFileSync(file('a.csv'), 'utf8'));
  });

  it('exits with 2 and names the line of malformed input', () => {
    writeFileSync(file('bad.csv'), 'x1,x2,x3\n1,2,3\n4,5,6\n7,8,abc\n');
    const { code, errors } = run(['--input', file('bad.csv'), '--output', file('out.csv')]);
    expect(code).toBe(2);
    expect(errors).toEqual([`ml:score: ${file('bad.csv')} line 4: column 'x3' value 'abc' is not a number`]);
  });

  it.each([
    ['a ragged row', 'a,b\n1,2\n3\n', 'line 3: expected 2 cells as in the header, found 1'],
    ['an empty file', '', 'the file is empty'],
    ['a single data row', 'a,b\n1,2\n', 'needs at least 2 data rows'],
  ])('exits with 2 for %s', (_, content, message) => {
    writeFileSync(file('in.csv'), content);
    const { code, errors } = run(['--input', file('in.csv'), '--output', file('out.csv')]);
    expect(code).toBe(2);
    expect(errors[0]).toContain(message);
  });

  it('exits with 2 for a missing file', () => {
    const { code, errors } = run(['--input', file('nope.csv'), '--output', file('out.csv')]);
    expect(code).toBe(2);
    expect(errors).toEqual([`ml:score: cannot read ${file('nope.csv')}: no such file`]);
  });

  it('exits with 2 when the output cannot be written', () => {
    const { code, errors } = run(['--input', writeInput(), '--output', file('no/such/folder/out.csv')]);
    expect(code).toBe(2);
    expect(errors).toEqual([
      `ml:score: cannot write ${file('no/such/folder/out.csv')}: its folder does not exist`,
    ]);
  });

  it.each([
    [[], 'missing --input'],
    [['--input', 'in.csv'], 'missing --output'],
    [['--input'], '--input needs a value'],
    [
      ['--input', 'in.csv', '--output', 'o.csv', '--seed', 'x'],
      "--seed must be a non-negative integer, got 'x'",
    ],
    [['--input', 'in.csv', '--output', 'o.csv', '--verbose'], "unknown argument '--verbose'"],
    [['--input', 'a.csv', '--input', 'b.csv', '--output', 'o.csv'], '--input given twice'],
  ])('exits with 2 for arguments %j', (args, message) => {
    const { code, errors } = run(args);
    expect(code).toBe(2);
    expect(errors[0]).toContain(message);
  });

  it('parses every flag, in both spellings', () => {
    expect(
      parseMlScoreArguments(['--input', 'i.csv', '--output=o.csv', '--seed', '12', '--timings', 't.json']),
    ).toEqual({
      input: 'i.csv',
      output: 'o.csv',
      seed: 12,
      timings: 't.json',
    });
    expect(parseMlScoreArguments(['--output', 'o.csv', '--input', 'i.csv']).seed).toBe(0);
  });
});
