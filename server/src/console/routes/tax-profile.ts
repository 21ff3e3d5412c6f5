import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { TaxProfileDoc } from '../../domain/tax-profiles.js';
import { auditContext } from '../../http/audit-context.js';
import { STATUS } from '../../http/errors.js';
import { UpdateTaxProfileBody } from '../../http/schemas/accounts.js';
import { toFieldIssues } from '../../http/validation.js';
import { AppError } from '../../kernel/errors.js';
import type { ConsoleContext, ConsoleEnv } from '../context.js';
import { formOf, renderConsole } from '../middleware.js';
import { noticeFrom } from '../notice.js';
import type { FieldErrors } from '../pages/fields.js';
import type { Flash } from '../pages/layout.js';
import { TAX_PROFILE_PATH, type TaxProfileFormValues, TaxProfilePage } from '../pages/tax-profile.js';

const NOTICES: Record<string, Flash> = {
  saved: { tone: 'ok', message: 'Tax profile saved: new invoices and receipts use it.' },
};

/** The form filled from the stored profile; an account without one starts empty. */
function valuesOf(profile: TaxProfileDoc | null): TaxProfileFormValues {
  if (!profile) return { legal_name: '', address: '', state: '', gstin: '', not_registered: false };
  return { legal_name: profile.legal_name, address: profile.address, state: profile.state, gstin: profile.gstin ?? '', not_registered: profile.gstin === null };
}

async function show(c: ConsoleContext, extra: { values?: TaxProfileFormValues; errors?: FieldErrors; flash?: Flash; status?: ContentfulStatusCode } = {}) {
  const { user, services } = c.var;
  const values = extra.values ?? valuesOf(await services.taxProfiles.find(user.owner.account));
  const page = jsx(TaxProfilePage, { user, values, errors: extra.errors, flash: extra.flash ?? noticeFrom(NOTICES, c) });
  return renderConsole(c, page, extra.status ?? 200);
}

/**
 * Settings → Tax profile: the organizer's GST profile, through the same body schema and
 * service (so the same checks and audit entry) as `PUT /v1/account/tax_profile`.
 *
 * @example
 * router.route('/', taxProfileRoutes());
 */
export function taxProfileRoutes() {
  const router = new Hono<ConsoleEnv>();

  router.get(TAX_PROFILE_PATH, (c) => show(c));

  router.post(TAX_PROFILE_PATH, async function saveTaxProfile(c) {
    const form = await formOf(c);
    const values: TaxProfileFormValues = {
      legal_name: form.legal_name ?? '',
      address: form.address ?? '',
      state: form.state ?? '',
      gstin: form.gstin ?? '',
      not_registered: form.not_registered === 'on',
    };
    try {
      // The ticked box is the API's null; a GSTIN typed beside it is not sent.
      const result = UpdateTaxProfileBody.safeParse({
        legal_name: values.legal_name,
        address: values.address,
        state: values.state,
        gstin: values.not_registered ? null : values.gstin,
      });
      if (!result.success) throw new AppError('VALIDATION_FAILED', 'The tax profile is not valid.', toFieldIssues(result.error.issues, 'json'));
      await c.var.services.taxProfiles.put(c.var.user.owner.account, result.data, auditContext(c));
    } catch (err) {
      if (!(err instanceof AppError) || STATUS[err.code] >= 500) throw err;
      const errors: FieldErrors = {};
      if (Array.isArray(err.details)) for (const issue of err.details) errors[issue.field] ??= issue.message;
      return show(c, { values, errors, flash: { tone: 'bad', message: err.message }, status: STATUS[err.code] });
    }
    return c.redirect(`${TAX_PROFILE_PATH}?notice=saved`, 303);
  });

  return router;
}
