import { describe, expect, it } from 'vitest';
import { RecentMarks } from './recent-marks.js';

describe('RecentMarks', () => {
  it('knows who claimed a mark until its claim expires', () => {
    let now = 1_000;
    const marks = new RecentMarks(10, () => now);
    marks.remember('evt', 'h1', 500);
    expect(marks.holderOf('evt')).toBe('h1');
    now = 1_499;
    expect(marks.holderOf('evt')).toBe('h1');
    now = 1_500;
    expect(marks.holderOf('evt')).toBeUndefined();
    expect(marks.size).toBe(0);
  });

  it('forgets the oldest marks past its bound', () => {
    const marks = new RecentMarks(2);
    marks.remember('a', 'h', 60_000);
    marks.remember('b', 'h', 60_000);
    marks.remember('a', 'h2', 60_000);
    marks.remember('c', 'h', 60_000);
    expect(marks.size).toBe(2);
    expect(marks.holderOf('b')).toBeUndefined();
    expect(marks.holderOf('a')).toBe('h2');
    expect(marks.holderOf('c')).toBe('h');
  });
});
