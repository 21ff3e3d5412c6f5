import { describe, expect, it } from 'vitest';
import { yieldToEventLoop } from '../../src/kernel/event-loop.js';
import { turnCounter } from '../helpers/event-loop-turns.js';

describe('yieldToEventLoop', () => {
  it('lets one waiting caller go on per turn, in the order they waited, so long reads running at once add one page to a turn', async () => {
    const turns = turnCounter();
    const resumed: Array<{ who: string; turn: number }> = [];
    const reader = async (who: string, pages: number) => {
      for (let page = 0; page < pages; page++) {
        await yieldToEventLoop();
        resumed.push({ who, turn: turns.now() });
      }
    };
    await Promise.all([reader('export', 6), reader('dashboard', 3), reader('stats', 3)]);
    turns.stop();
    const perTurn = new Map<number, number>();
    for (const { turn } of resumed) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    expect(Math.max(...perTurn.values()), JSON.stringify(resumed)).toBe(1);
    expect(resumed.slice(0, 3).map((r) => r.who)).toEqual(['export', 'dashboard', 'stats']);
    expect(resumed).toHaveLength(12);
  });

  it('lets a caller alone go on at every turn', async () => {
    const turns = turnCounter();
    const seen: number[] = [];
    for (let page = 0; page < 5; page++) {
      await yieldToEventLoop();
      seen.push(turns.now());
    }
    turns.stop();
    for (let i = 1; i < seen.length; i++) expect((seen[i] as number) - (seen[i - 1] as number)).toBeLessThanOrEqual(1);
  });
});
