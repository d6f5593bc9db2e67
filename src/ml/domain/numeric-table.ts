import { NumericMatrix } from './numeric-matrix';

/** A column with this exact name holds ground truth for evaluation and never feeds the detectors. */
export const LABEL_COLUMN = 'label';

export interface NumericTable {
  /** Names of the numeric columns, in file order, without the label column(s). */
  columnNames: string[];
  /** One row per data line, in file order. */
  matrix: NumericMatrix;
}

/** Input that cannot be read as a numeric table; the message names the file and, where it can, the line. */
export class NumericCsvError extends Error {
  constructor(
    message: string,
    readonly lineNumber?: number,
  ) {
    super(message);
    this.name = 'NumericCsvError';
  }
}

// Plain decimal notation only: Number() would also accept '', ' ', '0x1f' and 'Infinity'.
const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a CSV whose first line names the columns and whose other lines are finite numbers.
 *
 * Strict on purpose: a model trained on silently mangled rows is worse than no model, so the first bad
 * cell stops the parse with a message naming the source, the line, the column and the value. Fields may be
 * double-quoted (as spreadsheets export them); CRLF line ends, a byte-order mark and trailing blank lines
 * are accepted. Cells of a `label` column are kept out of the matrix and not checked.
 */
export function parseNumericCsv(text: string, sourceName: string): NumericTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0)
    throw new NumericCsvError(`${sourceName}: the file is empty (expected a header row)`);

  const header = splitCsvLine(lines[0], sourceName, 1).map((name) => name.trim());
  header.forEach((name, column) => {
    if (name === '') throw new NumericCsvError(`${sourceName} line 1: column ${column + 1} has no name`, 1);
  });
  const duplicate = header.find((name, column) => name !== LABEL_COLUMN && header.indexOf(name) !== column);
  if (duplicate !== undefined)
    throw new NumericCsvError(`${sourceName} line 1: column '${duplicate}' appears twice`, 1);

  const featureColumns: number[] = [];
  header.forEach((name, column) => {
    if (name !== LABEL_COLUMN) featureColumns.push(column);
  });
  if (featureColumns.length === 0) {
    throw new NumericCsvError(`${sourceName} line 1: no numeric columns (only '${LABEL_COLUMN}')`, 1);
  }
  const rowCount = lines.length - 1;
  if (rowCount === 0) throw new NumericCsvError(`${sourceName}: no data rows after the header`);

  const columnCount = featureColumns.length;
  const values = new Float64Array(rowCount * columnCount);
  for (let row = 0; row < rowCount; row++) {
    const lineNumber = row + 2;
    const line = lines[row + 1];
    if (line.trim() === '')
      throw new NumericCsvError(`${sourceName} line ${lineNumber}: empty line`, lineNumber);
    const cells = splitCsvLine(line, sourceName, lineNumber);
    if (cells.length !== header.length) {
      throw new NumericCsvError(
        `${sourceName} line ${lineNumber}: expected ${header.length} cells as in the header, found ${cells.length}`,
        lineNumber,
      );
    }
    for (let feature = 0; feature < columnCount; feature++) {
      const column = featureColumns[feature];
      const cell = cells[column].trim();
      const value = DECIMAL_NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(value)) {
        const shown =
          cell === '' ? 'is empty' : `value '${cell}' is not a ${Number.isNaN(value) ? '' : 'finite '}number`;
        throw new NumericCsvError(
          `${sourceName} line ${lineNumber}: column '${header[column]}' ${shown}`,
          lineNumber,
        );
      }
      values[row * columnCount + feature] = value;
    }
  }
  return {
    columnNames: featureColumns.map((column) => header[column]),
    matrix: new NumericMatrix(rowCount, columnCount, values),
  };
}

/** Splits one line at commas, honouring double quotes ("a,b" is one field, "" inside quotes is a quote). */
function splitCsvLine(line: string, sourceName: string, lineNumber: number): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const character = line[i];
    if (quoted) {
      if (character !== '"') field += character;
      else if (line[i + 1] === '"') field += line[++i];
      else quoted = false;
    } else if (character === '"') {
      quoted = true;
    } else if (character === ',') {
      fields.push(field);
      field = '';
    } else {
      field += character;
    }
  }
  if (quoted)
    throw new NumericCsvError(`${sourceName} line ${lineNumber}: a quoted field is not closed`, lineNumber);
  fields.push(field);
  return fields;
}
