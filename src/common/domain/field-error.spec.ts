import { groupProblemsByField } from './field-error';

describe('groupProblemsByField', () => {
  it('gives each field one entry with all its problems, fields in order of first appearance', () => {
    expect(
      groupProblemsByField([
        { field: 'country', message: 'country must be an ISO 3166-1 alpha-2 code' },
        { field: 'ip', message: 'ip must be an IP address' },
        { field: 'country', message: 'country must be upper case' },
      ]),
    ).toEqual([
      { field: 'country', problems: ['country must be an ISO 3166-1 alpha-2 code', 'country must be upper case'] },
      { field: 'ip', problems: ['ip must be an IP address'] },
    ]);
  });

  it('keeps the empty field (the input as a whole) and answers [] for no errors', () => {
    expect(groupProblemsByField([{ field: '', message: 'event must be an object' }])).toEqual([
      { field: '', problems: ['event must be an object'] },
    ]);
    expect(groupProblemsByField([])).toEqual([]);
  });
});
