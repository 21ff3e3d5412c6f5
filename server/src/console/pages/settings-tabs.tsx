/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

/** The pages under Settings, each with its own form; every one needs `payments:manage`. */
const TABS: Array<{ href: string; label: string }> = [
  { href: '/console/settings/payments', label: 'Payments' },
  { href: '/console/settings/tax', label: 'Tax profile' },
];

/**
 * The links between the Settings pages, the one shown marked as current.
 *
 * @example
 * <SettingsTabs here="/console/settings/tax" />
 */
export const SettingsTabs: FC<{ here: string }> = ({ here }) => (
  <nav class="tabs" aria-label="Settings">
    {TABS.map((tab) => (
      <a href={tab.href} aria-current={tab.href === here ? 'page' : undefined}>
        {tab.label}
      </a>
    ))}
  </nav>
);
