import { Environment } from '@marcbachmann/cel-js';
import { subdivisionGuard } from './rule-language';

const env = new Environment({ unlistedVariablesAreDyn: true });
const guard = (condition: string) => subdivisionGuard(env.parse(condition).ast);

describe('subdivisionGuard: the subdivision a condition requires before anything else', () => {
  it.each([
    ['viewer.subdivision == "US-VA" && event.at > 0.0', 'US-VA'],
    ['viewer.subdivision == "US-VA" && a && (b || c)', 'US-VA'],
    ['(viewer.subdivision == "US-CO" && a) && b', 'US-CO'],
    ['"US-TX" == viewer.subdivision && a', 'US-TX'],
    ['viewer.subdivision == "US-CA"', 'US-CA'],
  ])('%s → %s', (condition, expected) => expect(guard(condition)).toBe(expected));

  it.each([
    // Not a requirement of the whole condition, or not a literal subdivision.
    'viewer.subdivision == "US-VA" || a',
    'a && viewer.subdivision == "US-VA"',
    'viewer.subdivision != "US-VA" && a',
    'viewer.subdivision == params.state && a',
    'viewer.country == "US" && a',
    'request.subdivision == "US-VA" && a',
    'a',
  ])('%s → none', (condition) => expect(guard(condition)).toBeNull());
});
