import { describe, expect, it } from 'vitest';
import { Random, lognormal } from '../sim/random.js';
import { clientOverheadFrom } from './client-overhead.js';

describe('clientOverheadFrom', () => {
  it('draws each request from its own seeded stream, whatever the order', () => {
    const a = clientOverheadFrom(lognormal(800, 0.3), new Random(1));
    const b = clientOverheadFrom(lognormal(800, 0.3), new Random(1));
    const forward = [0, 1, 2, 3].map(a);
    const backward = [3, 2, 1, 0].map(b).reverse();
    expect(forward).toEqual(backward);
    expect(new Set(forward).size).toBe(4);
    expect(clientOverheadFrom(lognormal(800, 0.3), new Random(2))(0)).not.toBe(forward[0]);
  });
});
