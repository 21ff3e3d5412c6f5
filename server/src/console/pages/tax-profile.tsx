/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { GST_STATES } from '@trendy-tickets/sdk';
import type { FC } from 'hono/jsx';
import type { ConsoleUser } from '../context.js';
import { Checkbox, Field, type FieldErrors, Select, TextArea } from './fields.js';
import { CsrfField, Shell, type Flash } from './layout.js';
import { SettingsTabs } from './settings-tabs.js';

export const TAX_PROFILE_PATH = '/console/settings/tax';

/** The form as typed: shown again, unchanged, when the profile is refused. */
export interface TaxProfileFormValues {
  legal_name: string;
  address: string;
  state: string;
  gstin: string;
  not_registered: boolean;
}

// By name, as an organizer looks for their state; the code is what is stored.
const STATE_OPTIONS: Array<[string, string]> = [
  ['', 'Choose a state'],
  ...[...GST_STATES].sort((a, b) => a.name.localeCompare(b.name, 'en')).map((s): [string, string] => [s.code, s.name]),
];

/**
 * `/console/settings/tax`: the organizer's GST tax profile (docs/gst.md#who-is-taxed), the
 * supplier named on their invoices, for both modes.
 */
export const TaxProfilePage: FC<{ user: ConsoleUser; values: TaxProfileFormValues; errors?: FieldErrors | undefined; flash?: Flash | undefined }> = ({
  user,
  values,
  errors,
  flash,
}) => (
  <Shell title="Tax profile" user={user} section="settings" here={TAX_PROFILE_PATH} flash={flash}>
    <div class="page-head">
      <div>
        <h1>Tax profile</h1>
        <p class="sub">Who sells your tickets for GST: printed on invoices and receipts, and used in both test and live mode.</p>
      </div>
    </div>
    <SettingsTabs here={TAX_PROFILE_PATH} />
    <section class="card" aria-labelledby="tax-h">
      <h2 id="tax-h">Your business</h2>
      <form method="post" action={TAX_PROFILE_PATH} class="stack">
        <CsrfField token={user.csrf} />
        <Field name="legal_name" label="Legal name" value={values.legal_name} errors={errors} required maxlength={200} autocomplete="organization" />
        <TextArea name="address" label="Address" value={values.address} errors={errors} maxlength={500} />
        <Select name="state" label="State" value={values.state} options={STATE_OPTIONS} errors={errors} hint="Where you are registered for GST, or where you are if you are not." />
        <Field
          name="gstin"
          label="GSTIN"
          value={values.gstin}
          errors={errors}
          autocomplete="off"
          maxlength={15}
          placeholder="27AAPFU0939F1ZV"
          hint="15 characters, beginning with the state's two-digit code."
        />
        <Checkbox name="not_registered" label="Not registered for GST: charge no tax, issue receipts" checked={values.not_registered} errors={errors} />
        <button type="submit" class="btn">
          Save
        </button>
      </form>
    </section>
  </Shell>
);
