/**
 * What the API accepts as a buyer's phone number (`buyer.phone`): an optional `+`, then 7 to
 * 20 digits, spaces, brackets and dashes, starting with a digit. Loose on purpose: numbers
 * are written many ways, and the phone is only passed on to the payment page as a prefill.
 * Test a trimmed value; an empty one means "no phone", which the API takes as null.
 *
 * @example
 * PHONE_PATTERN.test('+91 98765 43210'); // true
 * PHONE_PATTERN.test('call me'); // false
 */
export const PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{6,19}$/;

/** The message the API gives for a phone number {@link PHONE_PATTERN} refuses. */
export const PHONE_MESSAGE = 'must be a phone number such as +91 98765 43210';
