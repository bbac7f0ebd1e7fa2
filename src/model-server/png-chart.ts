import { PNG } from 'pngjs';
import type { GeneratedFile } from './script.js';

/**
 * Real PNG charts for the fake code interpreter: tests and the demo deliver bytes that image viewers,
 * Discord and Slack accept, not a placeholder.
 */

export interface PlotOptions {
  xMin?: number;
  xMax?: number;
  width?: number;
  height?: number;
}

type Rgb = readonly [number, number, number];

const BACKGROUND: Rgb = [255, 255, 255];
const AXIS: Rgb = [90, 90, 90];
const GRID: Rgb = [225, 225, 225];
const CURVE: Rgb = [31, 119, 180];

/** Plots y = fn(x) over [xMin, xMax] with axes and a light grid, scaled to fit. */
export function plotPng(fn: (x: number) => number, options: PlotOptions = {}): Uint8Array {
  const { xMin = -5, xMax = 5, width = 320, height = 240 } = options;
  const png = new PNG({ width, height });
  const set = (px: number, py: number, [r, g, b]: Rgb) => {
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const i = (width * Math.round(py) + Math.round(px)) << 2;
    png.data[i] = r;
    png.data[i + 1] = g;
    png.data[i + 2] = b;
    png.data[i + 3] = 255;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) set(x, y, BACKGROUND);

  const samples = Array.from({ length: width }, (_, px) => fn(xMin + ((xMax - xMin) * px) / (width - 1)));
  const finite = samples.filter(Number.isFinite);
  const yMin = Math.min(0, ...finite);
  const yMax = Math.max(1e-9, ...finite);
  const margin = 10;
  const toPy = (y: number) => height - margin - ((y - yMin) / (yMax - yMin)) * (height - 2 * margin);
  const toPx = (x: number) => ((x - xMin) / (xMax - xMin)) * (width - 1);

  for (let gx = Math.ceil(xMin); gx <= xMax; gx++)
    for (let py = 0; py < height; py++) set(toPx(gx), py, GRID);
  for (let px = 0; px < width; px++) set(px, toPy(0), AXIS);
  if (xMin <= 0 && xMax >= 0) for (let py = 0; py < height; py++) set(toPx(0), py, AXIS);

  // Join consecutive samples with vertical runs so steep parts of the curve stay connected.
  let previous: number | undefined;
  samples.forEach((y, px) => {
    if (!Number.isFinite(y)) {
      previous = undefined;
      return;
    }
    const py = toPy(y);
    const from = previous ?? py;
    for (let v = Math.min(from, py); v <= Math.max(from, py); v++) {
      set(px, v, CURVE);
      set(px, v + 1, CURVE);
    }
    previous = py;
  });
  return new Uint8Array(PNG.sync.write(png));
}

/** The y = x² chart the demo and the tests show. */
export function parabolaPng(options?: PlotOptions): Uint8Array {
  return plotPng((x) => x * x, options);
}

/** A chart as a file the fake code interpreter produced. */
export function chartFile(name = 'chart.png', bytes: Uint8Array = parabolaPng()): GeneratedFile {
  return { name, mimeType: 'image/png', bytes };
}

/** A small CSV the fake code interpreter "wrote": x and x² for x = -3..3. */
export function squaresCsv(name = 'squares.csv'): GeneratedFile {
  const rows = ['x,y', ...[-3, -2, -1, 0, 1, 2, 3].map((x) => `${x},${x * x}`)];
  return { name, mimeType: 'text/csv', bytes: new TextEncoder().encode(`${rows.join('\n')}\n`) };
}
