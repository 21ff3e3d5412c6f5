/**
 * India's states and union territories with their GST state codes: the first two digits of
 * every GSTIN, and the codes a place of supply is reported under. The list is the one the GST
 * portal uses for "State Code" (the 2011 census codes, with 37 for Andhra Pradesh after 2014,
 * 36 for Telangana, 38 for Ladakh, and 26 for Dadra and Nagar Haveli and Daman and Diu since
 * the two territories merged in 2020; 25, Daman and Diu alone, and 28, Andhra Pradesh before
 * 2014, are no longer given to new registrations). See docs/gst.md.
 */

/** One state or union territory. */
export interface GstState {
  /** Two digits, `'01'`–`'38'`. */
  code: string;
  name: string;
  /**
   * A union territory without its own legislature: its half of an intra-state levy is UTGST
   * (Union Territory Goods and Services Tax Act, 2017) rather than SGST. Invoices name it so.
   */
  utgst: boolean;
}

const S = (code: string, name: string, utgst = false): GstState => ({ code, name, utgst });

/** Every state and union territory a venue or an organizer can be in, by GST state code. */
export const GST_STATES: readonly GstState[] = [
  S('01', 'Jammu and Kashmir'),
  S('02', 'Himachal Pradesh'),
  S('03', 'Punjab'),
  S('04', 'Chandigarh', true),
  S('05', 'Uttarakhand'),
  S('06', 'Haryana'),
  S('07', 'Delhi'),
  S('08', 'Rajasthan'),
  S('09', 'Uttar Pradesh'),
  S('10', 'Bihar'),
  S('11', 'Sikkim'),
  S('12', 'Arunachal Pradesh'),
  S('13', 'Nagaland'),
  S('14', 'Manipur'),
  S('15', 'Mizoram'),
  S('16', 'Tripura'),
  S('17', 'Meghalaya'),
  S('18', 'Assam'),
  S('19', 'West Bengal'),
  S('20', 'Jharkhand'),
  S('21', 'Odisha'),
  S('22', 'Chhattisgarh'),
  S('23', 'Madhya Pradesh'),
  S('24', 'Gujarat'),
  S('26', 'Dadra and Nagar Haveli and Daman and Diu', true),
  S('27', 'Maharashtra'),
  S('29', 'Karnataka'),
  S('30', 'Goa'),
  S('31', 'Lakshadweep', true),
  S('32', 'Kerala'),
  S('33', 'Tamil Nadu'),
  S('34', 'Puducherry'),
  S('35', 'Andaman and Nicobar Islands', true),
  S('36', 'Telangana'),
  S('37', 'Andhra Pradesh'),
  S('38', 'Ladakh', true),
];

/** The GST state codes as a tuple, for schemas that take one of them. */
export const GST_STATE_CODES = GST_STATES.map((s) => s.code) as readonly string[];

/**
 * The state or union territory with this GST state code, or undefined.
 *
 * @example
 * gstState('29')?.name; // 'Karnataka'
 */
export function gstState(code: string): GstState | undefined {
  return GST_STATES.find((s) => s.code === code);
}
