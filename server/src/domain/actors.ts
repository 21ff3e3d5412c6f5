/**
 * Who did something: a person signed in to the console, or a program holding an API key.
 * Computed once per request (by the API-key middleware or the console's session check) and
 * carried to whatever records the change, such as the audit log (docs/audit-log.md).
 */
export interface Actor {
  type: 'user' | 'api_key';
  /** The account id (`acct_…`) for a person; the key's id (`key_…`) for a program. */
  id: string;
  /** What a person reads in a list: the email for a user, the key's masked prefix (`sk_test_…a1b2`) for a key. */
  label: string;
}

/**
 * A person signed in to the console, as the audit log names them: their account and email.
 *
 * @example
 * c.set('actor', userActor(account));
 */
export function userActor(account: { _id: string; email: string }): Actor {
  return { type: 'user', id: account._id, label: account.email };
}
