import { maskTarget } from './target-mask';

describe('maskTarget', () => {
  it.each([
    // Slack: the workspace/channel ids and the token are in the path.
    [
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'https://hooks.slack.com/services/T0…',
    ],
    // user-info is a credential: left out whatever else is shown
    ['https://user:pa55word@hooks.example.com/x', 'https://hooks.example.com/…'],
    ['https://token@hooks.example.com/', 'https://hooks.example.com/…'],
    // query strings and fragments hold tokens too
    ['https://hooks.example.com/?token=s3cr3t', 'https://hooks.example.com/…'],
    ['https://hooks.example.com/#s3cr3t', 'https://hooks.example.com/…'],
    ['https://hooks.example.com/ingest/webhooks/abcdef0123456789?sig=1#x', 'https://hooks.example.com/ingest/web…'],
    // ports and IPv6 hosts are part of where it points
    ['http://127.0.0.1:8080/hook/s3cr3t-t0ken', 'http://127.0.0.1:8080/hook/…'],
    ['http://[2001:db8::1]:8443/a/very/long/secret/path', 'http://[2001:db8::1]:8443/a/very/…'],
    ['http://[::1]/', 'http://[::1]/'],
    // a short path is mostly hidden: it may be the secret itself
    ['https://hooks.example.com/ott', 'https://hooks.example.com/…'],
    ['https://abc.example.com/Z9x', 'https://abc.example.com/…'],
    // nothing after the host: nothing to hide
    ['https://hooks.example.com', 'https://hooks.example.com/'],
    // never a half percent-escape
    ['https://h.example.com/%41%42%43%44/x', 'https://h.example.com/%41…'],
  ])('%s → %s', (target, masked) => {
    expect(maskTarget(target)).toBe(masked);
  });

  it('never shows the secret part of a Slack or webhook URL', () => {
    const token = 'Qk3x9ZpL0aVbWc7Rt2YuEi8o';
    for (const target of [
      `https://hooks.slack.com/services/T00000000/B00000000/${token}`,
      `https://hooks.example.com/${token}`,
      `https://hooks.example.com/in?key=${token}`,
      `https://${token}:x@hooks.example.com/`,
      `http://[::ffff:8.8.8.8]:9/${token}`,
    ]) {
      const masked = maskTarget(target);
      expect(masked).not.toContain(token.slice(0, 6));
      expect(masked.endsWith('…')).toBe(true);
    }
  });

  it('shows e-mail recipients as they are (an address is where alerts go, not a credential)', () => {
    expect(maskTarget('soc@example.com')).toBe('soc@example.com');
    expect(maskTarget('soc@example.com, dpo@example.org')).toBe('soc@example.com, dpo@example.org');
  });

  it('shows only the first characters of anything else, which may be a token', () => {
    expect(maskTarget('xoxb-1234567890-abcdefghijkl')).toBe('xoxb…');
    expect(maskTarget('abc')).toBe('a…');
    expect(maskTarget('ab')).toBe('…');
    expect(maskTarget('not a url at all')).toBe('not …');
    expect(maskTarget('mailto:soc@example.com')).toBe('mail…');
    expect(maskTarget('')).toBe('');
  });
});
