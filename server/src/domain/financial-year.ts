/**
 * India's financial year runs from 1 April to 31 March (General Clauses Act, 1897, section
 * 3(21)), and an invoice's serial number must be unique within one (rule 46(b) of the CGST
 * Rules, 2017; docs/gst.md#invoices-and-credit-notes). The year is read on India's clock
 * (UTC+05:30, no daylight saving), so an order paid at 00:01 on 1 April in India falls in the
 * new year even though it is still 31 March in UTC.
 */
export interface FinancialYear {
  /** The calendar year in which it starts: 2026 for April 2026 – March 2027. */
  start: number;
  /** `2026-27`, as printed on documents. */
  label: string;
  /** `2627`: the four characters a document number carries. */
  short: string;
}

/** India Standard Time's offset from UTC. */
const IST_OFFSET_MS = 330 * 60_000;

/**
 * The financial year an instant falls in, on India's clock.
 *
 * @example
 * financialYearOf(new Date('2027-03-31T18:29:00Z')).label; // '2026-27' (23:59 IST on 31 March)
 * financialYearOf(new Date('2027-03-31T18:31:00Z')).label; // '2027-28' (00:01 IST on 1 April)
 */
export function financialYearOf(at: Date): FinancialYear {
  const india = new Date(at.getTime() + IST_OFFSET_MS);
  const start = india.getUTCMonth() >= 3 ? india.getUTCFullYear() : india.getUTCFullYear() - 1;
  const end = String((start + 1) % 100).padStart(2, '0');
  return { start, label: `${start}-${end}`, short: `${String(start % 100).padStart(2, '0')}${end}` };
}
