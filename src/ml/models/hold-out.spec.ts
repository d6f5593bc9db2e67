import { UnprocessableEntityException } from '@nestjs/common';
import { checkHoldOut } from './training.service';

const at = (day: number) => new Date(Date.UTC(2026, 2, day));
const labels = { positive: ['v-1'], negative: ['v-2'] };

function refusal(run: () => void): { field: string; problem: string } | null {
  try {
    run();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(UnprocessableEntityException);
    const body = (error as UnprocessableEntityException).getResponse() as {
      details: { field: string; problems: string[] }[];
    };
    return { field: body.details[0].field, problem: body.details[0].problems[0] };
  }
}

describe('checkHoldOut', () => {
  const train = [at(10), at(20)] as const;

  it('accepts a labelled window before or after the training window, touching it at most', () => {
    expect(
      refusal(() => checkHoldOut({ windowStart: at(1), windowEnd: at(10), labels }, ...train)),
    ).toBeNull();
    expect(
      refusal(() => checkHoldOut({ windowStart: at(20), windowEnd: at(25), labels }, ...train)),
    ).toBeNull();
  });

  it('refuses a window that overlaps the training window, or holds it', () => {
    for (const [start, end] of [
      [at(5), at(11)],
      [at(19), at(25)],
      [at(12), at(13)],
      [at(1), at(30)],
    ]) {
      expect(refusal(() => checkHoldOut({ windowStart: start, windowEnd: end, labels }, ...train))).toEqual({
        field: 'holdOut.windowStart',
        problem: 'the held-out window must not overlap the training window',
      });
    }
  });

  it('refuses an empty or reversed window, and one without labels', () => {
    expect(
      refusal(() => checkHoldOut({ windowStart: at(5), windowEnd: at(5), labels }, ...train))!.problem,
    ).toBe('must be before holdOut.windowEnd');
    expect(
      refusal(() =>
        checkHoldOut(
          { windowStart: at(1), windowEnd: at(5), labels: { positive: [], negative: [] } },
          ...train,
        ),
      )!.field,
    ).toBe('holdOut.labels');
  });
});
