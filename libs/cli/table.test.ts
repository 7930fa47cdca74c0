import { clip, fields, table } from './table';

describe('table', () => {
  it('pads columns to their widest cell, right-aligns numbers and shows absent values as -', () => {
    expect(
      table(
        ['id', 'name', 'count'],
        [
          ['ten_1', 'acme', 5],
          ['ten_22', undefined, 120],
        ],
      ),
    ).toBe('id      name  count\nten_1   acme      5\nten_22  -       120\n');
  });

  it('says (none) for no rows', () => {
    expect(table(['id'], [])).toBe('(none)\n');
  });
});

describe('fields', () => {
  it('aligns the values and leaves absent ones out', () => {
    expect(fields({ id: 'ten_1', status: 'active', updatedAt: undefined })).toBe('id:     ten_1\nstatus: active\n');
  });
});

describe('clip', () => {
  it('keeps one line of at most max characters', () => {
    expect(clip('a\nb   c', 10)).toBe('a b c');
    expect(clip('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(clip(undefined)).toBeUndefined();
  });
});
