import { type AuditContext, type AuditLog, changesBetween, createAuditLog } from './audit-log.js';
import { gstinProblem, gstState } from '@trendy-tickets/sdk';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound, type FieldIssue } from '../kernel/errors.js';
import type { Store } from '../store/port.js';

/**
 * Who an organizer is for GST (docs/gst.md#who-is-taxed): one per account, for both modes,
 * keyed by the account's id. An account without one is treated as not registered.
 */
export interface TaxProfileDoc {
  /** The account's id. */
  _id: string;
  legal_name: string;
  address: string;
  /** GST state code of the organizer's registration (or, unregistered, where they are). */
  state: string;
  /** Null when the organizer is not registered for GST. */
  gstin: string | null;
  updated_at: Date;
}

/** A tax profile as the organizer sends it, shape-checked at the edge. */
export interface TaxProfileInput {
  legal_name: string;
  address: string;
  state: string;
  gstin: string | null;
}

const GSTIN_MESSAGES = {
  length: 'must be 15 characters',
  format: 'must be a GSTIN: two digits, a PAN, an entity number, Z and a check character, in capitals',
  checksum: 'has a check character that does not match; check it for a mistyped character',
} as const;

/**
 * The rules that span fields: a known state, and a GSTIN that is well formed, passes its
 * checksum and begins with that state's code. Reports every problem at once.
 * @throws AppError VALIDATION_FAILED naming each field
 */
export function checkTaxProfile(input: TaxProfileInput): void {
  const issues: FieldIssue[] = [];
  if (!gstState(input.state)) issues.push({ field: 'state', message: 'is not a GST state code' });
  if (input.gstin !== null) {
    const problem = gstinProblem(input.gstin);
    if (problem) issues.push({ field: 'gstin', message: GSTIN_MESSAGES[problem] });
    else if (input.gstin.slice(0, 2) !== input.state) issues.push({ field: 'gstin', message: `begins with ${input.gstin.slice(0, 2)}, not the state code ${input.state}` });
  }
  if (issues.length > 0) throw new AppError('VALIDATION_FAILED', 'The tax profile is not valid.', issues);
}

/**
 * Organizers' tax profiles.
 *
 * @example
 * const profiles = createTaxProfileService({ store, clock });
 * await profiles.put(account, { legal_name, address, state: '27', gstin: '27AAPFU0939F1ZV' });
 */
export function createTaxProfileService({ store, clock, auditLog = createAuditLog({ store, clock }) }: { store: Store; clock: Clock; auditLog?: AuditLog }) {
  const profiles = store.collection<TaxProfileDoc>('tax_profiles');
  return {
    /** The account's profile, or null when it has none (not registered). */
    find(account: string): Promise<TaxProfileDoc | null> {
      return profiles.findOne({ _id: account });
    },

    /** The account's profile. @throws AppError NOT_FOUND when it has none */
    async get(account: string): Promise<TaxProfileDoc> {
      const found = await profiles.findOne({ _id: account });
      if (!found) throw notFound('tax profile for account', account);
      return found;
    },

    /** Sets the whole profile (one write: the last one wins). */
    async put(account: string, input: TaxProfileInput, audit?: AuditContext): Promise<TaxProfileDoc> {
      checkTaxProfile(input);
      // Read only for the audit log: the profile the change replaced.
      const before = audit ? await profiles.findOne({ _id: account }) : null;
      const fields = { legal_name: input.legal_name, address: input.address, state: input.state, gstin: input.gstin, updated_at: clock.now() };
      const stored = (await profiles.findOneAndUpdate({ _id: account }, { $set: fields }, { upsert: true })) ?? { _id: account, ...fields };
      const changes = changesBetween(before, stored, ['legal_name', 'address', 'state', 'gstin']);
      if (audit && Object.keys(changes).length > 0) {
        await auditLog.record(audit, { action: 'tax_profile.updated', target: { type: 'tax_profile', id: account }, changes });
      }
      return stored;
    },
  };
}

export type TaxProfileService = ReturnType<typeof createTaxProfileService>;
