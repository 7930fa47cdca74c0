import { durationSeconds } from './duration';

describe('durationSeconds', () => {
  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5_400],
    ['2d', 172_800],
    ['1d12h', 129_600],
    ['1d2h3m4s', 93_784],
    ['0s', 0],
    ['120m', 7_200],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });

  it.each(['', '90', 's', '1.5h', '-1m', '30m1h', '1h 30m', '1H', '2w', '1m1m', ' 5s', '1000000000s'])('refuses %j', (text) => {
    expect(durationSeconds(text)).toBeUndefined();
  });
});
