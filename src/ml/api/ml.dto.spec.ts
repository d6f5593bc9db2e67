import { BadRequestException } from '@nestjs/common';
import { groundTruthLabels, requestLabels, TrainModelDto } from './ml.dto';

function fieldsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { details: { field: string }[] }).details.map(
      (d) => d.field,
    );
  }
  throw new Error('expected a 400');
}

describe('training labels from a request', () => {
  it("reads the simulator's ground truth: scenario viewers positive, clean viewers negative", () => {
    const truth = {
      generatedAt: '2026-03-01T00:00:00Z',
      scenarios: {
        credential_stuffing: { viewers: ['v-1', 'v-2'], actors: ['s-9'], eventIds: [] },
        insider: { viewers: ['v-3'] },
      },
      cleanViewers: ['v-4', 'v-5'],
    };
    expect(groundTruthLabels(truth)).toEqual({ positive: ['v-1', 'v-2', 'v-3'], negative: ['v-4', 'v-5'] });
  });

  it('merges labels and ground truth, refusing a viewer on both sides', () => {
    const dto = Object.assign(new TrainModelDto(), {
      labels: { positive: ['v-9'] },
      groundTruth: { scenarios: { a: { viewers: ['v-1'] } }, cleanViewers: ['v-2'] },
    });
    expect(requestLabels(dto)).toEqual({ positive: ['v-9', 'v-1'], negative: ['v-2'] });
    const conflicting = Object.assign(new TrainModelDto(), {
      labels: { positive: ['v-1'], negative: ['v-1'] },
    });
    expect(fieldsOf(() => requestLabels(conflicting))).toEqual(['labels']);
    expect(requestLabels(new TrainModelDto())).toBeUndefined();
  });

  it('names the field of a malformed ground-truth file', () => {
    expect(fieldsOf(() => groundTruthLabels({ scenarios: [], cleanViewers: 'v-1' }))).toEqual([
      'groundTruth.scenarios',
      'groundTruth.cleanViewers',
    ]);
    expect(
      fieldsOf(() =>
        groundTruthLabels({ scenarios: { x: { viewers: ['ok', 'not ok!'] } }, cleanViewers: [] }),
      ),
    ).toEqual(['groundTruth.scenarios.x.viewers[1]']);
  });
});

describe('the held-out labels of an out-of-sample evaluation', () => {
  it('name the held-out fields in their errors', () => {
    expect(
      fieldsOf(() => requestLabels({ labels: { positive: ['v-1'], negative: ['v-1'] } }, 'holdOut.')),
    ).toEqual(['holdOut.labels']);
    expect(
      fieldsOf(() => requestLabels({ groundTruth: { scenarios: [], cleanViewers: [] } }, 'holdOut.')),
    ).toEqual(['holdOut.groundTruth.scenarios']);
  });
});
