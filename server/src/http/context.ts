import type { Config } from '../config.js';
import type { KeyAuth } from '../domain/accounts.js';
import type { Actor } from '../domain/actors.js';
import type { Owner } from '../domain/events.js';
import type { CapturedMailer, Mailer } from '../delivery/mailer.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import type { Store } from '../store/port.js';

export type { Services };

/** What the app is built from (`createApp(deps)`); a test passes its own. */
export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  logger: Logger;
  services: Services;
  /** Sends mail for the outbox worker. */
  mailer: Mailer;
  /** The captured mailbox (no SMTP_URL, outside production): shown at /dev/mailbox. Null otherwise. */
  mailbox: CapturedMailer | null;
  /** The demo event behind `/demo` (a development server's first run); absent or null otherwise. */
  demo?: { eventId: string; publishableKey: string } | null;
}

/** Hono environment: the variables middleware puts on the context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    deps: AppDeps;
    /**
     * The caller's address as per-client limits count it (an IPv6 caller's /64), behind
     * `TTS_TRUST_PROXY` proxies; set for every request by the request context.
     */
    clientKey: string;
    /** Set by the API-key middleware on authenticated routes. */
    auth: KeyAuth;
    /** The key's account and mode, whose data the request may see; set with `auth`. */
    owner: Owner;
    /** Who is acting: the API key (set with `auth`) or the console's signed-in user (set by `requireSession`). */
    actor: Actor;
  };
}
