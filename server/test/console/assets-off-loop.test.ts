import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';

describe('console assets', () => {
  it('compresses an asset off the event loop, so other work runs meanwhile', async () => {
    const { app } = await buildTestApp();
    const order: string[] = [];
    // The camera decoder is the biggest asset: at brotli's highest quality it takes a good part of
    // a second, and on the event loop every request (a door scan too) would wait for it. A stale
    // hash still gets the file; asking `assetUrl` for the current one would read the assets first.
    const decoder = Promise.resolve(app.request('/console/assets/0000000000000000/jsqr.js', { headers: { 'Accept-Encoding': 'br' } })).then((res) => {
      order.push('decoder answered');
      return res;
    });
    setImmediate(() => order.push('event loop turned'));
    const res = await decoder;
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Encoding')).toBe('br');
    expect(order).toEqual(['event loop turned', 'decoder answered']);
    // Made once: the next request is answered from memory, byte for byte the same.
    const again = await app.request('/console/assets/0000000000000000/jsqr.js', { headers: { 'Accept-Encoding': 'br' } });
    expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(await res.arrayBuffer()))).toBe(true);
  });
});
