/**
 * Which gateway, with which keys, takes an order (docs/decisions/0026-payment-port-and-organizer-accounts.md):
 *
 * - an account's connected payment account for its mode (its own Razorpay keys, test or live);
 * - otherwise, in test mode, the built-in test gateway;
 * - otherwise, in live mode, the installation's Razorpay keys when the platform collects
 *   (`TTS_PLATFORM_COLLECTS`), and `PAYMENT_ACCOUNT_REQUIRED` when it does not.
 *
 * An order stores the configuration that took it (`payment.config`) and is always served by
 * that one again, so its later calls use the keys that created it.
 */
import { AppError } from '../kernel/errors.js';
import { gatewayConfigOf, type GatewayResolver, type WebhookSender } from '../domain/orders.js';
import { collectorFor, type OpenedGatewayConfig, type PaymentAccounts } from '../domain/payment-accounts.js';
import type { PaymentGateway } from './gateway.js';
import { GATEWAY_DRIVERS, type DriverSettings } from './registry.js';

/** What the resolver is built from. */
export interface ResolverDeps {
  testGateway: PaymentGateway;
  /** The installation's own Razorpay gateway (its webhook secrets included), or null when its keys are unset. */
  platform: PaymentGateway | null;
  /** Whether the installation's webhook secret is set; without it, its webhook URL is not set up. */
  platformWebhooks: boolean;
  /** Whether live orders of accounts without a connected account go to `platform`. */
  platformCollects: boolean;
  paymentAccounts: Pick<PaymentAccounts, 'open' | 'openActive' | 'openAll'>;
  settings: DriverSettings;
}

/**
 * Builds the resolver.
 *
 * @example
 * const gateways = createGatewayResolver({ testGateway, platform, platformCollects: config.platformCollects, paymentAccounts, settings });
 * const { gateway, config } = await gateways.gatewayFor(owner.account, owner.livemode);
 */
export function createGatewayResolver(deps: ResolverDeps): GatewayResolver {
  const { testGateway, platform, platformWebhooks, platformCollects, paymentAccounts, settings } = deps;
  // A configuration never changes once stored (new keys are a new one), so its gateway is kept.
  const built = new Map<string, PaymentGateway>();

  function gatewayOfConfig(config: OpenedGatewayConfig): PaymentGateway {
    let gateway = built.get(config.id);
    if (!gateway) {
      gateway = GATEWAY_DRIVERS[config.gateway].build(config.credentials, settings);
      built.set(config.id, gateway);
    }
    return gateway;
  }

  function platformGateway(): PaymentGateway {
    if (!platform) throw new AppError('FORBIDDEN', 'Live payments are not set up on this server: set RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET.');
    return platform;
  }

  return {
    async gatewayFor(account, livemode) {
      const connected = await paymentAccounts.openActive(account, livemode);
      const collector = collectorFor(connected !== null, livemode, platformCollects);
      if (connected && collector === 'connected_account') return { gateway: gatewayOfConfig(connected), config: connected.id };
      if (collector === 'test_gateway') return { gateway: testGateway, config: 'test' };
      if (collector === 'platform') return { gateway: platformGateway(), config: 'platform' };
      throw new AppError(
        'PAYMENT_ACCOUNT_REQUIRED',
        'This organizer has not connected a payment account for live sales yet: connect Razorpay under Settings → Payments (or PUT /v1/account/payment_settings).',
      );
    },

    async gatewayOf(order) {
      const config = gatewayConfigOf(order);
      if (config === 'test') return testGateway;
      if (config === 'platform') return platformGateway();
      const stored = config ? await paymentAccounts.open(config) : null;
      if (!stored || stored.account !== order.account) throw new AppError('INTERNAL', 'The payment account that took this order is not stored.');
      return gatewayOfConfig(stored);
    },

    async webhookSenders(account) {
      if (account === null) return platform && platformWebhooks ? [{ gateway: platform, config: 'platform', scope: { platform: true } }] : [];
      const configs = await paymentAccounts.openAll(account);
      return configs.map((c): WebhookSender => ({ gateway: gatewayOfConfig(c), config: c.id, scope: { account: c.account, livemode: c.livemode } }));
    },
  };
}
