/**
 * The gateways organizers can connect, by name: how to build one from its stored keys and
 * how to check keys before they are saved. Adding a gateway (Stripe, say) is its own folder
 * or file beside `razorpay.ts` and one entry here
 * (docs/decisions/0026-payment-port-and-organizer-accounts.md).
 */
import type { ConnectableGateway, CredentialCheck, GatewayCredentials } from '../domain/payment-accounts.js';
import type { PaymentGateway } from './gateway.js';
import { checkRazorpayKeys, createRazorpayGateway } from './razorpay.js';

/** What the server passes every driver: test-only overrides such as a fake API's address. */
export interface DriverSettings {
  /** Razorpay's API base (`RAZORPAY_API_BASE`, test-only). */
  razorpayApiBase?: string | undefined;
}

/** One connectable gateway. */
export interface GatewayDriver {
  /** A gateway that uses these keys for everything (orders, captures, refunds, webhooks). */
  build(credentials: GatewayCredentials, settings: DriverSettings): PaymentGateway;
  /** One cheap authenticated call; rejects with `auth_failed` for keys the gateway refuses. */
  check(credentials: Pick<GatewayCredentials, 'keyId' | 'keySecret'>, settings: DriverSettings): Promise<void>;
}

/** The registry: one entry per connectable gateway. */
export const GATEWAY_DRIVERS: Record<ConnectableGateway, GatewayDriver> = {
  razorpay: {
    build: ({ keyId, keySecret, webhookSecret }, { razorpayApiBase }) =>
      createRazorpayGateway({ keyId, keySecret, webhookSecrets: [webhookSecret], ...(razorpayApiBase ? { apiBase: razorpayApiBase } : {}) }),
    check: ({ keyId, keySecret }, { razorpayApiBase }) => checkRazorpayKeys({ keyId, keySecret, ...(razorpayApiBase ? { apiBase: razorpayApiBase } : {}) }),
  },
};

/**
 * The check `createPaymentAccounts` runs before saving keys.
 *
 * @example
 * const check = credentialCheck({ razorpayApiBase: config.razorpay.apiBase });
 */
export function credentialCheck(settings: DriverSettings): CredentialCheck {
  return (gateway, credentials) => GATEWAY_DRIVERS[gateway].check(credentials, settings);
}
