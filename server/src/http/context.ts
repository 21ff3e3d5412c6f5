import type { Config } from '../config.js';
import type { AccountService, KeyAuth } from '../domain/accounts.js';
import type { Clock } from '../domain/clock.js';
import type { EventService } from '../domain/events.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';

/** The domain services every route reaches through `c.var.services`. */
export interface Services {
  accounts: AccountService;
  events: EventService;
}

/** What the app is built from (`createApp(deps)`); a test passes its own. */
export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  logger: Logger;
  services: Services;
}

/** Hono environment: the variables middleware puts on the context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    services: Services;
    deps: AppDeps;
    /** Set by the API-key middleware on authenticated routes. */
    auth: KeyAuth;
  };
}
