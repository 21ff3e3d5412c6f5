/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { EventDoc } from '../../domain/events.js';
import type { PromoCodeDoc, PromoUsage } from '../../domain/promo-codes.js';
import type { ConsoleUser } from '../context.js';
import { count, rupees, when } from '../format.js';
import { CsrfField, type Flash, Shell } from './layout.js';
import { CreateCard, ResourceTable, RowAction } from './resource-list.js';

/** Props of {@link PromoCodesPage}. */
export interface PromoCodesPageProps {
  user: ConsoleUser;
  event: EventDoc;
  codes: PromoCodeDoc[];
  /** Paid orders and discount given per code; null when the viewer may not read reports. */
  usage: PromoUsage[] | null;
  /** Whether the viewer may create, edit and deactivate codes (events:write). */
  canEdit: boolean;
  flash?: Flash | undefined;
}

/** What a code takes off, in words. */
export function discountWords(code: Pick<PromoCodeDoc, 'kind' | 'value'>): string {
  return code.kind === 'percent' ? `${code.value} % off` : `${rupees(code.value)} off each ticket`;
}

/** Which types a code discounts and unlocks, in words. */
function appliesTo(code: PromoCodeDoc, event: EventDoc): string {
  const names = (ids: readonly string[]) =>
    event.ticket_types
      .filter((t) => ids.includes(t.id))
      .map((t) => t.name)
      .join(', ');
  const on = code.ticket_types === null ? 'every type' : names(code.ticket_types);
  return code.unlocks.length > 0 ? `${on}; unlocks ${names(code.unlocks)}` : on;
}

/** When a code may be used, in words. */
function window(code: PromoCodeDoc, tz: string): string {
  if (!code.starts_at && !code.ends_at) return 'Any time';
  return [code.starts_at ? `from ${when(code.starts_at, tz)}` : '', code.ends_at ? `until ${when(code.ends_at, tz)}` : ''].filter(Boolean).join(' ');
}

/**
 * `/console/events/:id/promo-codes`: an event's promo codes with their uses and limit, a form
 * for a new one, an edit form and a deactivate button per code, and the usage report (paid
 * orders and discount given per code). See docs/promo-codes.md.
 *
 * @example
 * return renderConsole(c, <PromoCodesPage user={user} event={event} codes={codes} usage={usage} canEdit />);
 */
export const PromoCodesPage: FC<PromoCodesPageProps> = ({ user, event, codes, usage, canEdit, flash }) => {
  const base = `/console/events/${event._id}`;
  const tz = event.timezone;
  return (
    <Shell title={`Promo codes · ${event.name}`} user={user} section="events" here={`${base}/promo-codes`} flash={flash}>
      <p>
        <a href={base}>← {event.name}</a>
      </p>
      <h1>Promo codes</h1>
      <p class="muted">Buyers type a code at checkout, in any case. A code can also unlock hidden ticket types, which buyers see only with it.</p>
      <section class="card" aria-labelledby="codes-h">
        <h2 id="codes-h">Codes</h2>
        <ResourceTable
          columns={['Code', 'Discount', 'On', 'When', 'Uses', 'Status']}
          actions
          rows={codes}
          empty={<p class="muted">No promo codes yet.</p>}
          row={(code) => (
            <tr id={`code-${code._id}`}>
              <td class="mono">{code.code}</td>
              <td>{discountWords(code)}</td>
              <td>{appliesTo(code, event)}</td>
              <td>{window(code, tz)}</td>
              <td class="num">
                {count(code.uses)}
                {code.max_uses === null ? '' : ` / ${count(code.max_uses)}`}
              </td>
              <td>{code.active ? 'Active' : 'Inactive'}</td>
              <td>
                {canEdit ? (
                  <details>
                    <summary>Edit</summary>
                    <form method="post" action={`${base}/promo-codes/${code._id}`}>
                      <CsrfField token={user.csrf} />
                      <label for={`max-${code._id}`}>Most uses (empty: no limit)</label>
                      <input id={`max-${code._id}`} name="max_uses" type="number" min={1} value={code.max_uses === null ? '' : String(code.max_uses)} />
                      <label>
                        <input type="checkbox" name="active" value="on" checked={code.active} /> Active
                      </label>
                      <button type="submit" class="btn small">
                        Save
                      </button>
                    </form>
                  </details>
                ) : null}
                {canEdit && code.active ? <RowAction action={`${base}/promo-codes/${code._id}/deactivate`} csrf={user.csrf} label="Deactivate" /> : null}
              </td>
            </tr>
          )}
        />
      </section>
      {usage ? (
        <section class="card" aria-labelledby="usage-h">
          <h2 id="usage-h">Usage</h2>
          <ResourceTable
            columns={['Code', 'Paid orders', 'Discount given']}
            rows={usage}
            row={(u) => (
              <tr id={`usage-${u.promo._id}`}>
                <td class="mono">{u.promo.code}</td>
                <td class="num">{count(u.orders)}</td>
                <td class="num">{rupees(u.discount)}</td>
              </tr>
            )}
          />
        </section>
      ) : null}
      {canEdit ? (
        <CreateCard id="new-code-h" title="New code" action={`${base}/promo-codes`} csrf={user.csrf} submit="Create code">
          <label for="code-code">Code</label>
          <input id="code-code" name="code" required maxlength={40} pattern="[A-Za-z0-9_\-]{1,40}" placeholder="EARLYBIRD" />
          <label for="code-kind">Kind</label>
          <select id="code-kind" name="kind">
            <option value="percent">Percent off</option>
            <option value="fixed">Rupees off each ticket</option>
          </select>
          <label for="code-value">Value (percent, or ₹)</label>
          <input id="code-value" name="value" required inputmode="decimal" placeholder="20" />
          <label for="code-max">Most uses (optional)</label>
          <input id="code-max" name="max_uses" type="number" min={1} />
          <label for="code-per-order">Tickets discounted per order (optional)</label>
          <input id="code-per-order" name="max_per_order" type="number" min={1} max={50} />
          <fieldset>
            <legend>Discounts (none ticked: every type)</legend>
            {event.ticket_types.map((t) => (
              <label>
                <input type="checkbox" name={`type_${t.id}`} value="on" /> {t.name}
              </label>
            ))}
          </fieldset>
          {event.ticket_types.some((t) => t.hidden) ? (
            <fieldset>
              <legend>Unlocks hidden types</legend>
              {event.ticket_types
                .filter((t) => t.hidden)
                .map((t) => (
                  <label>
                    <input type="checkbox" name={`unlock_${t.id}`} value="on" /> {t.name}
                  </label>
                ))}
            </fieldset>
          ) : null}
          <label for="code-starts">Usable from ({tz}, optional)</label>
          <input id="code-starts" name="starts_at" type="datetime-local" />
          <label for="code-ends">Usable until ({tz}, optional)</label>
          <input id="code-ends" name="ends_at" type="datetime-local" />
        </CreateCard>
      ) : null}
    </Shell>
  );
};
