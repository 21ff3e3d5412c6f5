import { describe, expect, it } from 'vitest';
import { GST_STATES, gstinCheckCharacter, gstinProblem, gstState } from '../src/index.js';

describe('gstinProblem', () => {
  it.each(['27AAPFU0939F1ZV', '29AAGCB7383J1Z4'])('takes %s, a GSTIN whose check character matches', (gstin) => {
    expect(gstinProblem(gstin)).toBeNull();
  });

  it.each([
    ['27AAPFU0939F1ZW', 'checksum'],
    ['27AAPFU0939F1VZ', 'format'],
    ['27aapfu0939f1zv', 'format'],
    ['2AAAPFU0939F1ZV', 'format'],
    ['27AAPFU0939F1Z', 'length'],
  ] as const)('refuses %s for its %s', (gstin, problem) => {
    expect(gstinProblem(gstin)).toBe(problem);
  });

  it('catches any one character changed', () => {
    const good = '27AAPFU0939F1ZV';
    for (let i = 0; i < 14; i++) {
      const changed = good.slice(0, i) + (good[i] === '1' ? '2' : '1') + good.slice(i + 1);
      expect(gstinCheckCharacter(changed.slice(0, 14))).not.toBe('V');
    }
  });
});

describe('GST_STATES', () => {
  it('lists each state code once, two digits each', () => {
    const codes = GST_STATES.map((s) => s.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(c).toMatch(/^\d{2}$/);
    expect(gstState('29')?.name).toBe('Karnataka');
    expect(gstState('38')).toMatchObject({ name: 'Ladakh', utgst: true });
  });
});
