import { transition } from './case-workflow';

describe('case workflow', () => {
  it('acknowledges only open cases', () => {
    expect(transition('open', 'acknowledge')).toEqual({ ok: true, to: 'acknowledged' });
    expect(transition('acknowledged', 'acknowledge')).toMatchObject({ ok: false });
    expect(transition('resolved', 'acknowledge')).toMatchObject({ ok: false });
  });

  it('closes open or acknowledged cases as resolved or false positive, once', () => {
    expect(transition('open', 'resolve')).toEqual({ ok: true, to: 'resolved' });
    expect(transition('acknowledged', 'false_positive')).toEqual({ ok: true, to: 'false_positive' });
    expect(transition('resolved', 'false_positive')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('resolved'),
    });
    expect(transition('false_positive', 'resolve')).toMatchObject({ ok: false });
  });

  it('assigns only live cases and lets anyone comment on any case', () => {
    expect(transition('acknowledged', 'assign')).toEqual({ ok: true, to: 'acknowledged' });
    expect(transition('resolved', 'assign')).toMatchObject({ ok: false });
    expect(transition('false_positive', 'comment')).toEqual({ ok: true, to: 'false_positive' });
  });
});
