/**
 * The waiting-list part: the form a buyer fills in for a sold-out ticket type, fetched only when
 * they press "Join the waiting list" (`/widget/v1/tts-checkout.waitlist.js`,
 * docs/decisions/0046-waiting-list-part.md). Name, email and how many tickets → `POST
 * /v1/waiting_list_entries` → the emailed 6-digit code → `verify` → their place in line
 * (docs/widget.md#waiting-list). Like the other parts (decision 0042) it carries no Lit of its own and
 * renders with the `html` and `nothing` the element hands it.
 */
import type {
  CreateWaitingListEntryParams,
  FieldIssue,
  OtpInvalidDetails,
  PublicEvent,
  ResendWaitingListCodeParams,
  VerifyWaitingListEntryParams,
  WaitingListEntry,
} from '@trendy-tickets/sdk';
import { type CheckoutApi, type CheckoutError, newIdempotencyKey } from './api.js';
import type { WaitingListErrorCode } from './error-messages.js';
import type { I18n, Key } from './i18n.js';
import { say, type WaitlistKey } from './locales/waitlist.js';
import { submit, type Lit, type StepContext } from './steps/context.js';

/** What the part needs from the element. */
export interface WaitlistHost {
  /** The checkout's API client (api.ts): its server, its publishable key. */
  api(): Pick<CheckoutApi, 'call'>;
  /** Something the part shows changed: render. */
  changed(): void;
  /** Puts the focus on the element of this id once the render under way is done. */
  focus(id: string): void;
  /** Leaves the form for the tickets step, with the event read anew. */
  back(): void;
}

/** The waiting-list form of one ticket type. */
export interface Waitlist {
  /** The ticket type whose list this is. */
  readonly type: string;
  /** The form, the code step or the buyer's place in line, in place of the tickets step. */
  view(c: Pick<StepContext, 'i' | 'event'>): unknown;
}

/** As strict as the server's schema, so it refuses nothing the form let through. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The form's fields, as their element ids end (`wl-name`) and as the API names them. */
type Field = 'name' | 'email' | 'quantity';

/** Codes whose words are the checkout's own (i18n.ts), said the same here as in the checkout. */
const SHARED: readonly string[] = [
  'NETWORK_ERROR',
  'INTERNAL',
  'UPSTREAM_UNAVAILABLE',
  'PAYLOAD_TOO_LARGE',
  'IDEMPOTENCY_MISMATCH',
  'IDEMPOTENCY_IN_FLIGHT',
  'OTP_EXPIRED',
  'VALIDATION_FAILED',
] satisfies Key[];
/**
 * The waiting list's codes, said in the part's own words (the script has none for them), and
 * an unknown event or type. A `Record` over the codes: a new one does not compile without its words.
 */
export const OWN_WORDS: Readonly<Record<WaitingListErrorCode | 'NOT_FOUND', WaitlistKey>> = {
  WAITING_LIST_CLOSED: 'WAITING_LIST_CLOSED',
  SEATS_AVAILABLE: 'SEATS_AVAILABLE',
  ALREADY_WAITING: 'ALREADY_WAITING',
  NOT_FOUND: 'NOT_FOUND',
};

/**
 * The waiting-list form for ticket type `type`, rendering with `lit`.
 *
 * @example
 * const wl = createWaitlist({ html, nothing }, { api: () => createApi(base, key), changed, focus, back }, 'tt_vip');
 * html`${wl.view(context)}`;
 */
export function createWaitlist(lit: Lit, host: WaitlistHost, type: string): Waitlist {
  const { html, nothing } = lit;
  const typed: Record<Field, string> = { name: '', email: '', quantity: '1' };
  /** Each wrong field's message, by field. */
  let bad: Partial<Record<Field, string>> = {};
  /** The failure shown above the actions, worded at render so a change of language follows. */
  let problem: ((i: I18n) => string) | null = null;
  /** The failure is about the code typed: the code field is marked. */
  let wrongCode = false;
  let busy = false;
  let entry: WaitingListEntry | null = null;
  let code = '';
  let attemptsLeft: number | null = null;
  let resent = false;
  /** Kept over retries of one join, so a lost answer does not mail a second code (docs/api-conventions.md#idempotency). */
  const joining = { key: newIdempotencyKey() };
  let resending = { key: newIdempotencyKey() };

  /** Renders, then puts the focus on the element of this id. */
  function focus(id: string): void {
    host.changed();
    host.focus(id);
  }

  /** Runs one call to the server: one at a time, its failure shown in words. */
  async function run(names: { type: string }, call: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    problem = null;
    wrongCode = false;
    host.changed();
    try {
      await call();
    } catch (err) {
      fail(names.type, err as CheckoutError);
    } finally {
      busy = false;
      host.changed();
    }
  }

  function fail(typeName: string, err: CheckoutError): void {
    const failure = String(err.code);
    if (failure === 'VALIDATION_FAILED') {
      const issues = Array.isArray(err.details) ? (err.details as FieldIssue[]) : [];
      for (const { field, message } of issues) if (field in typed) bad[field as Field] = message;
      const first = (Object.keys(bad) as Field[])[0];
      if (first && !entry) {
        focus(`wl-${first}`);
        return;
      }
    }
    if (failure === 'OTP_INVALID') {
      const details = err.details as Partial<OtpInvalidDetails> | undefined;
      if (typeof details?.attempts_left === 'number') attemptsLeft = details.attempts_left;
      const locked = details?.reason === 'locked' || attemptsLeft === 0;
      code = '';
      wrongCode = true;
      problem = (t) => t.t(locked ? 'OTP_LOCKED' : 'OTP_INVALID');
      focus(locked ? 'wl-resend' : 'wl-code');
      return;
    }
    const email = typed.email.trim();
    problem =
      failure === 'RATE_LIMITED'
        ? (t) => t.t('RATE_LIMITED', { time: t.clock(err.retryAfter ?? 60) })
        : failure in OWN_WORDS
          ? (t) => say(t, OWN_WORDS[failure as keyof typeof OWN_WORDS], { email, type: typeName })
          : (t) => t.t(SHARED.includes(failure) ? (failure as Key) : failure === 'UNAUTHENTICATED' || failure === 'FORBIDDEN' ? 'SETUP' : 'INTERNAL');
    if (failure === 'OTP_EXPIRED') code = '';
  }

  /** Checks the form as the server will; on a problem shows it on its field and focuses the first. */
  function check(i: I18n, max: number): boolean {
    bad = {};
    const n = Number(typed.quantity);
    if (!typed.name.trim()) bad.name = i.t('nameBad');
    if (!EMAIL.test(typed.email.trim()) || typed.email.trim().length > 254) bad.email = i.t('emailBad');
    if (!Number.isInteger(n) || n < 1 || n > max) bad.quantity = say(i, 'qtyBad', { n: max });
    const first = (Object.keys(bad) as Field[])[0];
    host.changed();
    if (first) focus(`wl-${first}`);
    return !first;
  }

  /** Where the entry stands now: the code step, or its place in line. */
  function arrived(next: WaitingListEntry): void {
    entry = { ...next, client_secret: next.client_secret ?? entry?.client_secret };
    code = '';
    focus(entry.status === 'awaiting_verification' ? 'wl-code' : 'wl-done');
  }

  const secret = (): ResendWaitingListCodeParams => ({ client_secret: entry?.client_secret ?? '' });

  function join(i: I18n, event: PublicEvent, names: { type: string }, max: number): void {
    if (!check(i, max)) return;
    void run(names, async () =>
      arrived(
        await host
          .api()
          .call<WaitingListEntry>(
            'POST',
            '/v1/waiting_list_entries',
            { event: event.id, ticket_type: type, quantity: Number(typed.quantity), name: typed.name.trim(), email: typed.email.trim() } satisfies CreateWaitingListEntryParams,
            joining,
          ),
      ),
    );
  }

  function verify(names: { type: string }): void {
    if (code.length !== 6 || !entry) return;
    const id = entry.id;
    void run(names, async () =>
      arrived(await host.api().call<WaitingListEntry>('POST', `/v1/waiting_list_entries/${id}/verify`, { ...secret(), code } satisfies VerifyWaitingListEntryParams)),
    );
  }

  function resend(names: { type: string }): void {
    if (!entry) return;
    const id = entry.id;
    void run(names, async () => {
      await host.api().call<WaitingListEntry>('POST', `/v1/waiting_list_entries/${id}/resend_code`, secret(), resending);
      // A new click is a new code: the next send gets a key of its own.
      resending = { key: newIdempotencyKey() };
      attemptsLeft = null;
      resent = true;
      focus('wl-code');
    });
  }

  /** A labelled input, its message tied to it. */
  function input(id: Field, label: string, attrs: { type: string; autocomplete: string; max?: number }) {
    const error = bad[id];
    const full = `wl-${id}`;
    return html`<label for=${full}>${label}</label>
      <input id=${full} type=${attrs.type} autocomplete=${attrs.autocomplete} .value=${typed[id]} required
        min=${attrs.max ? 1 : nothing} max=${attrs.max ?? nothing} maxlength=${attrs.max ? nothing : id === 'name' ? 200 : 254}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${full}-e` : nothing}
        @input=${(e: InputEvent) => {
          typed[id] = (e.target as HTMLInputElement).value;
          if (bad[id]) {
            // The message goes once the buyer changes the field; Join checks it again.
            delete bad[id];
            host.changed();
          }
        }} />
      ${error ? html`<p id=${`${full}-e`} class="bad">${error}</p>` : nothing}`;
  }

  function view({ i, event }: Pick<StepContext, 'i' | 'event'>) {
    const t = event.ticket_types.find((x) => x.id === type);
    const names = { type: t?.name ?? type };
    const max = Math.max(1, t?.max_per_order ?? 1);
    const message = problem ? html`<p id="wl-e" class="bad" role="alert">${problem(i)}</p>` : nothing;
    const back = html`<button type="button" class="secondary" part="secondary" @click=${host.back}>${i.t('back')}</button>`;
    if (entry && entry.status !== 'awaiting_verification') {
      return html`<h3>${say(i, 'title', names)}</h3>
        <p class="notice" part="notice" id="wl-done" tabindex="-1" role="status">
          ${entry.position ? html`<b>${say(i, 'joined', { n: entry.position, type: names.type })}</b> ` : nothing}${say(i, 'later')}
        </p>
        ${back}`;
    }
    if (entry) {
      const locked = attemptsLeft === 0;
      return html`<h3>${say(i, 'verify')}</h3>
        <p>${i.t('sentTo', { email: entry.email })}</p>
        <form novalidate @submit=${submit(() => verify(names))}>
          <label for="wl-code">${i.t('code')}</label>
          <input id="wl-code" class="code" inputmode="numeric" autocomplete="one-time-code" .value=${code} ?disabled=${locked}
            aria-invalid=${wrongCode ? 'true' : 'false'} aria-describedby=${problem ? 'wl-e wl-tries' : 'wl-tries'}
            @input=${(e: InputEvent) => {
              const field = e.target as HTMLInputElement;
              // Only digits, so a pasted "123 456" or "Your code: 123456" works; the sixth sends it.
              code = field.value.replace(/\D/g, '').slice(0, 6);
              field.value = code;
              if (code.length === 6) verify(names);
            }} />
          <p id="wl-tries" class="muted">${attemptsLeft === null ? (resent ? say(i, 'resent') : '') : say(i, 'tries', { n: attemptsLeft })}</p>
          ${message}
          ${locked ? nothing : html`<button class="primary" part="primary" aria-disabled=${busy || code.length !== 6}>${say(i, 'confirm')}</button>`}
          <button type="button" id="wl-resend" class=${locked ? 'primary' : 'link'} aria-disabled=${busy} @click=${() => resend(names)}>${say(i, 'resend')}</button>
        </form>`;
    }
    return html`<h3 id="wl-h" tabindex="-1">${say(i, 'title', names)}</h3>
      <p class="muted">${say(i, 'intro')}</p>
      <form novalidate @submit=${submit(() => join(i, event, names, max))}>
        ${input('name', i.t('name'), { type: 'text', autocomplete: 'name' })} ${input('email', i.t('email'), { type: 'email', autocomplete: 'email' })}
        ${input('quantity', say(i, 'qty', { n: max }), { type: 'number', autocomplete: 'off', max })}
        ${message}
        <div class="actions">
          ${back}
          <button class="primary" part="primary" aria-disabled=${busy}>${say(i, 'join')}</button>
        </div>
      </form>`;
  }

  focus('wl-h');
  return { type, view };
}
