import { describe, expect, it } from 'vitest';
import { missingFigures } from '../../bench/figures.js';
import { renderReport } from '../../bench/report.js';
import { runBench } from '../../bench/run.js';
import { SIZES } from '../../bench/sizes.js';

describe('npm run bench, smoke size', () => {
  it('runs every scenario at tiny sizes and reports every figure the issue asks for', async () => {
    const results = await runBench({ sizes: SIZES.smoke, entry: 'tsx', log: () => undefined });
    expect(missingFigures(results)).toEqual([]);
    const report = renderReport(results);
    for (const heading of [
      '1. Added latency',
      '2. Requests',
      '3. Platform calls',
      '4. Scale',
      '5. Against',
      '6. Start-up',
    ]) {
      expect(report).toContain(heading);
    }
  }, 120_000);
});
