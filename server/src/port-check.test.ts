import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isAddressInUse, portInUseMessage, portIsFree } from './port-check.js';

/** A port some other listener holds for the duration of `use`. */
async function withTakenPort(use: (port: number) => Promise<void>): Promise<void> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, resolve));
  const address = holder.address();
  try {
    await use(typeof address === 'object' && address ? address.port : 0);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}

describe('port check', () => {
  it('says a port another listener holds is not free, and frees its probe of a free one', async () => {
    let taken = 0;
    await withTakenPort(async (port) => {
      taken = port;
      expect(await portIsFree(port)).toBe(false);
    });
    expect(await portIsFree(taken)).toBe(true);
    // The probe let go of the port: asking again still finds it free.
    expect(await portIsFree(taken)).toBe(true);
  });

  it('names the port and the variable to change in one line', () => {
    const message = portInUseMessage(8787);
    expect(message).not.toContain('\n');
    expect(message).toContain('Port 8787 is already in use');
    expect(message).toContain('PORT=8788 npm start');
  });

  it('recognises only the address-in-use error', () => {
    expect(isAddressInUse(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }))).toBe(true);
    expect(isAddressInUse(Object.assign(new Error('listen EACCES'), { code: 'EACCES' }))).toBe(false);
    expect(isAddressInUse(null)).toBe(false);
  });
});
