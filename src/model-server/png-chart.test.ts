import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parabolaPng, plotPng, squaresCsv } from './png-chart.js';

const isCurve = (png: PNG, x: number, y: number) => {
  const i = (png.width * y + x) << 2;
  return png.data[i] === 31 && png.data[i + 1] === 119 && png.data[i + 2] === 180;
};

const curveRows = (png: PNG, x: number) =>
  Array.from({ length: png.height }, (_, y) => y).filter((y) => isCurve(png, x, y));

describe('PNG charts', () => {
  it('draws y = x² as a real PNG: low in the middle, high at the edges', () => {
    const png = PNG.sync.read(Buffer.from(parabolaPng({ width: 200, height: 100 })));
    expect([png.width, png.height]).toEqual([200, 100]);
    const middle = Math.min(...curveRows(png, 100));
    const left = Math.min(...curveRows(png, 0));
    const right = Math.min(...curveRows(png, 199));
    // Image rows grow downwards: the vertex is near the bottom, the arms near the top.
    expect(middle).toBeGreaterThan(80);
    expect(left).toBeLessThan(15);
    expect(right).toBeLessThan(15);
  });

  it('plots any function and skips values that are not finite', () => {
    const png = PNG.sync.read(
      Buffer.from(plotPng((x) => (x === 0 ? Number.NaN : 1 / x), { width: 101, height: 50 })),
    );
    expect(png.width).toBe(101);
  });

  it('makes a CSV of squares', () => {
    const csv = new TextDecoder().decode(squaresCsv().bytes);
    expect(csv.split('\n')[0]).toBe('x,y');
    expect(csv).toContain('3,9');
  });
});
