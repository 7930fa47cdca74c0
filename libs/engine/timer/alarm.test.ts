import { systemClock } from '../../domain/clock';
import { Alarm } from './alarm';

describe('Alarm', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 5, 1) }));
  afterEach(() => jest.useRealTimers());

  describe('set', () => {
    it('goes off once, after the delay', () => {
      const fire = jest.fn();
      const alarm = new Alarm(systemClock, fire);

      alarm.set(100);
      jest.advanceTimersByTime(99);
      expect(fire).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(fire).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(1_000);
      expect(fire).toHaveBeenCalledTimes(1);
    });

    it('moves sooner, never later', () => {
      const fire = jest.fn();
      const alarm = new Alarm(systemClock, fire);

      alarm.set(100);
      alarm.set(500);
      jest.advanceTimersByTime(100);
      expect(fire).toHaveBeenCalledTimes(1);

      alarm.set(500);
      alarm.set(-20); // overdue: at once
      jest.advanceTimersByTime(0);
      expect(fire).toHaveBeenCalledTimes(2);
      jest.advanceTimersByTime(1_000);
      expect(fire).toHaveBeenCalledTimes(2);
    });

    it('can be set again after it went off', () => {
      const fire = jest.fn();
      const alarm = new Alarm(systemClock, fire);
      alarm.set(10);
      jest.advanceTimersByTime(10);
      alarm.set(50);
      jest.advanceTimersByTime(50);
      expect(fire).toHaveBeenCalledTimes(2);
    });
  });

  describe('stop', () => {
    it('cancels it, and later sets do nothing', () => {
      const fire = jest.fn();
      const alarm = new Alarm(systemClock, fire);
      alarm.set(10);
      alarm.stop();
      alarm.set(10);
      jest.advanceTimersByTime(1_000);
      expect(fire).not.toHaveBeenCalled();
    });
  });
});
