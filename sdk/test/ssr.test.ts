import { describe, expect, it } from 'vitest';
import { loadCheckout } from '../src/browser.js';

describe('loadCheckout on the server', () => {
  it('resolves null where there is no DOM, without touching the network', async () => {
    await expect(loadCheckout({ publishableKey: 'pk_test_abc', baseUrl: 'https://tickets.example.com' })).resolves.toBeNull();
  });
});
