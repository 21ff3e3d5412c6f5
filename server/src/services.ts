import type { Config } from './config.js';
import { bcryptHasher, createAccountService, type PasswordHasher } from './domain/accounts.js';
import type { Clock } from './domain/clock.js';
import { createEventService } from './domain/events.js';
import type { Services } from './http/context.js';
import type { Store } from './store/port.js';

export interface ServiceDeps {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  /** Defaults to bcrypt at `config.passwordCost`. */
  hasher?: PasswordHasher;
}

/**
 * Builds the domain services once; the API routes and the console both call
 * these, so a rule lives in one place.
 */
export function createServices({ config, store, clock, hasher = bcryptHasher(config.passwordCost) }: ServiceDeps): Services {
  return {
    accounts: createAccountService({ store, clock, hasher }),
    events: createEventService({ store, clock }),
  };
}
