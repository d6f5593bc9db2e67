import { NumericCsvError, parseNumericCsv } from './numeric-table';

function parseError(text: string): NumericCsvError {
  try {
    parseNumericCsv(text, 'IN.csv');
  } catch (error) {
    if (error instanceof NumericCsvError) return error;
    throw error;
  }
  throw new Error('expected a NumericCsvError');
}

describe('parseNumericCsv', () => {
  it('reads a header and numeric rows into a row-major matrix', () => {
    const table = parseNumericCsv('a,b\n1,2.5\n-3,4e2\n', 'IN.csv');
    expect(table.columnNames).toEqual(['a', 'b']);
    expect(table.matrix.rowCount).toBe(2);
    expect(Array.from(table.matrix.values)).toEqual([1, 2.5, -3, 400]);
  });

  it('ignores a label column wherever it stands, without checking its cells', () => {
    const table = parseNumericCsv('x1,label,x2\n1,yes,2\n3,0,4\n', 'IN.csv');
    expect(table.columnNames).toEqual(['x1', 'x2']);
    expect(Array.from(table.matrix.values)).toEqual([1, 2, 3, 4]);
  });

  it('accepts CRLF line ends, a byte-order mark, quoted fields, spaces and trailing blank lines', () => {
    const table = parseNumericCsv('\uFEFF"x 1", x2\r\n" 1.5",2\r\n3 , .5\r\n\r\n\n', 'IN.csv');
    expect(table.columnNames).toEqual(['x 1', 'x2']);
    expect(Array.from(table.matrix.values)).toEqual([1.5, 2, 3, 0.5]);
  });

  it('names the line, column and value of a non-numeric cell', () => {
    const error = parseError('x1,x2,x3\n1,2,3\n4,5,abc\n');
    expect(error.message).toBe("IN.csv line 3: column 'x3' value 'abc' is not a number");
    expect(error.lineNumber).toBe(3);
  });

  it('rejects numbers that Number() would accept but a CSV of measurements should not', () => {
    expect(parseError('x\n0x1f\n').message).toBe("IN.csv line 2: column 'x' value '0x1f' is not a number");
    expect(parseError('x\nInfinity\n').message).toBe(
      "IN.csv line 2: column 'x' value 'Infinity' is not a number",
    );
    expect(parseError('x\n1e999\n').message).toBe(
      "IN.csv line 2: column 'x' value '1e999' is not a finite number",
    );
    expect(parseError('x\nNaN\n').message).toBe("IN.csv line 2: column 'x' value 'NaN' is not a number");
  });

  it('names an empty cell', () => {
    expect(parseError('a,b\n1,\n').message).toBe("IN.csv line 2: column 'b' is empty");
  });

  it('rejects a ragged row', () => {
    expect(parseError('a,b,c\n1,2,3\n4,5\n').message).toBe(
      'IN.csv line 3: expected 3 cells as in the header, found 2',
    );
    expect(parseError('a,b\n1,2,3\n').message).toBe(
      'IN.csv line 2: expected 2 cells as in the header, found 3',
    );
  });

  it('rejects an empty file, a header without rows and a blank line between rows', () => {
    expect(parseError('').message).toBe('IN.csv: the file is empty (expected a header row)');
    expect(parseError('\n\n').message).toBe('IN.csv: the file is empty (expected a header row)');
    expect(parseError('a,b\n').message).toBe('IN.csv: no data rows after the header');
    expect(parseError('a\n1\n\n2\n').message).toBe('IN.csv line 3: empty line');
  });

  it('rejects headers it cannot use', () => {
    expect(parseError('a,,c\n1,2,3\n').message).toBe('IN.csv line 1: column 2 has no name');
    expect(parseError('a,a\n1,2\n').message).toBe("IN.csv line 1: column 'a' appears twice");
    expect(parseError('label\n1\n').message).toBe("IN.csv line 1: no numeric columns (only 'label')");
    expect(parseError('"a,b\n1\n').message).toBe('IN.csv line 1: a quoted field is not closed');
  });
});
