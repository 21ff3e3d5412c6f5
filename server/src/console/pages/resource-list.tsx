/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, FC } from 'hono/jsx';
import { CsrfField } from './layout.js';

/** Props of {@link ResourceTable}. */
export interface ResourceTableProps<T> {
  /** Column headings, left to right. */
  columns: readonly string[];
  /** Whether a last column holds each row's actions; its heading is read by screen readers only. */
  actions?: boolean;
  rows: readonly T[];
  /** One `<tr>` per item. */
  row: (item: T) => Child;
  /** Shown instead of the table when there are no rows; without it an empty table is shown. */
  empty?: Child;
  /** Wraps the table in `div.table-wrap`, which scrolls sideways on a narrow screen. */
  wrap?: boolean;
}

/**
 * The table of a console list page (promo codes, check-in lists, API keys…): headings, one
 * row per item, and the empty state when there is none.
 *
 * @example
 * <ResourceTable columns={['List', 'Admits']} actions rows={lists} row={(list) => <tr>…</tr>} empty={<p class="muted">No lists yet.</p>} />
 */
export function ResourceTable<T>({ columns, actions = false, rows, row, empty, wrap = false }: ResourceTableProps<T>) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  const table = (
    <table>
      <thead>
        <tr>
          {columns.map((column) => (
            <th scope="col">{column}</th>
          ))}
          {actions ? (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
  return wrap ? <div class="table-wrap">{table}</div> : table;
}

/** Props of {@link RowAction}. */
export interface RowActionProps {
  /** Where the form posts. */
  action: string;
  /** The session's CSRF token. */
  csrf: string;
  /** The button's text. */
  label: string;
  /** The button's classes; a secondary small button by default. */
  buttonClass?: string;
  /** The button's accessible name when its text alone is ambiguous in a table of many rows. */
  ariaLabel?: string;
  /** Fields posted with the action (a hidden input, a password), placed before the button. */
  children?: Child;
}

/**
 * A one-button form beside a row (deactivate, delete, roll): actions that change state are
 * POSTs with the CSRF token, never links.
 *
 * @example
 * <RowAction action={`${base}/checkin-lists/${list._id}/delete`} csrf={user.csrf} label="Delete" />
 */
export const RowAction: FC<RowActionProps> = ({ action, csrf, label, buttonClass = 'btn secondary small', ariaLabel, children }) => (
  <form method="post" action={action} class="inline">
    <CsrfField token={csrf} />
    {children}
    <button type="submit" class={buttonClass} aria-label={ariaLabel}>
      {label}
    </button>
  </form>
);

/** Props of {@link CreateCard}. */
export interface CreateCardProps {
  /** The heading's id, which names the section. */
  id: string;
  title: string;
  /** Where the form posts. */
  action: string;
  /** The session's CSRF token. */
  csrf: string;
  /** The submit button's text. */
  submit: string;
  /** The form's fields. */
  children?: Child;
}

/**
 * The "new …" card under a console list: a heading and a form of the fields given, with the
 * CSRF token and a submit button.
 *
 * @example
 * <CreateCard id="new-list-h" title="New list" action={`${base}/checkin-lists`} csrf={user.csrf} submit="Create list">…fields…</CreateCard>
 */
export const CreateCard: FC<CreateCardProps> = ({ id, title, action, csrf, submit, children }) => (
  <section class="card" aria-labelledby={id}>
    <h2 id={id}>{title}</h2>
    <form method="post" action={action}>
      <CsrfField token={csrf} />
      {children}
      <button type="submit" class="btn">
        {submit}
      </button>
    </form>
  </section>
);
