/**
 * CSV cells and lines as every export writes them (attendees, the audit log): RFC 4180, and
 * safe to open in a spreadsheet.
 */

// Spreadsheets run a cell beginning with these as a formula (=HYPERLINK exfiltrates, =cmd executes):
// https://owasp.org/www-community/attacks/CSV_Injection
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;
// RFC 4180 §2.6: fields holding a quote, comma or line break must be enclosed in quotes.
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: neutralised against formula injection with a leading `'`, which
 * Excel, LibreOffice and Google Sheets show as text, then quoted per RFC 4180.
 *
 * @example
 * csvCell('=SUM(A1)'); // "'=SUM(A1)"
 * csvCell('Rao, Asha'); // '"Rao, Asha"'
 */
export function csvCell(value: string): string {
  const safe = FORMULA_TRIGGER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * One CSV record with its CRLF terminator (RFC 4180 §2.1).
 *
 * @example
 * csvLine(['a', 'b,c']); // 'a,"b,c"\r\n'
 */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
