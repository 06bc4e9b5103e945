// CSV for downloads opened in spreadsheets (RFC 4180 quoting, CRLF rows). A cell that begins with
// =, +, -, @, a tab or a carriage return is prefixed with a single quote, as OWASP's "CSV Injection"
// page advises, so a recorded name like `=HYPERLINK(...)` reads as text and never runs as a formula.
// (No CSV package is installed; this is the whole of what the export needs.)

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: null as empty, formula starts defused, quoted when it holds a quote, comma or line break. */
export function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of cells as CSV text, each row ended by CRLF. */
export function csvRows(rows: readonly (readonly (string | null | undefined)[])[]): string {
  return rows.map((row) => row.map(csvCell).join(",") + "\r\n").join("");
}
