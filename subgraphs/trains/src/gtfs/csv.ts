/**
 * GTFS text files: CSV as RFC 4180 writes it (quoted fields may hold commas, quotes and
 * line breaks), UTF-8 with an optional byte-order mark, header row first.
 */

/** A feed that cannot be imported: which file, which line (1 = the header) and why. */
export class GtfsFeedError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file} line ${line}: ${reason}`);
    this.name = 'GtfsFeedError';
  }
}

/** One data row: its fields by column name and the line it starts on. */
export interface CsvRecord {
  line: number;
  get(column: string): string;
}

/** The columns of a table and a way to read each row by column name. */
export interface CsvTable {
  file: string;
  columns: readonly string[];
  has(column: string): boolean;
  rows(): Iterable<CsvRecord>;
}

/** Splits CSV text into rows of fields, with the line each row starts on. */
function* csvRows(file: string, text: string): Generator<{ line: number; fields: string[] }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const length = text.length;
  while (i < length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text[i] === '"') {
        i += 1;
        let value = '';
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw new GtfsFeedError(file, startLine, 'a quoted field is never closed');
          value += text.slice(i, quote);
          for (let k = i; k < quote; k += 1) if (text.charCodeAt(k) === 10) line += 1;
          if (text[quote + 1] === '"') {
            value += '"';
            i = quote + 2;
          } else {
            i = quote + 1;
            break;
          }
        }
        field = value;
        if (i < length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new GtfsFeedError(file, startLine, 'text after a closing quote');
        }
      } else {
        let end = i;
        while (end < length) {
          const c = text.charCodeAt(end);
          if (c === 44 || c === 10 || c === 13) break;
          end += 1;
        }
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === '\r') i += 1;
      if (text[i] === '\n') i += 1;
      line += 1;
      break;
    }
    // Blank lines (often a trailing one) carry no row.
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: startLine, fields };
  }
}

/** Reads a GTFS table; every row must have as many fields as the header. */
export function parseCsv(file: string, text: string): CsvTable {
  const rows = csvRows(file, text);
  const header = rows.next();
  if (header.done) throw new GtfsFeedError(file, 1, 'the file is empty (no header row)');
  const columns = header.value.fields.map((name) => name.trim());
  const position = new Map(columns.map((name, index) => [name, index]));
  return {
    file,
    columns,
    has: (column) => position.has(column),
    *rows() {
      for (const { line, fields } of rows) {
        if (fields.length !== columns.length) {
          throw new GtfsFeedError(
            file,
            line,
            `expected ${columns.length} fields as in the header, found ${fields.length}`,
          );
        }
        yield {
          line,
          get: (column: string) => {
            const index = position.get(column);
            return index === undefined ? '' : (fields[index] ?? '').trim();
          },
        };
      }
    },
  };
}
