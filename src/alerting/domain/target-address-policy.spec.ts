import { TargetAddressPolicy, TargetRefused } from './target-address-policy';

describe('TargetAddressPolicy', () => {
  const policy = new TargetAddressPolicy([]);

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.refusal('hooks.example', address)).toContain(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(policy.refusal('hooks.example', address)).toBeNull();
    },
  );

  it('refuses a host when any of its addresses is refused, and a host that does not resolve', () => {
    expect(() => policy.checkAddresses('mixed.example', ['8.8.8.8', '10.0.0.1'])).toThrow(TargetRefused);
    expect(() => policy.checkAddresses('nowhere.example', [])).toThrow(/does not resolve/);
  });

  it('accepts only http(s) URLs without credentials', () => {
    expect(policy.checkUrl('https://hooks.example.com/x').host).toBe('hooks.example.com');
    expect(policy.checkUrl('http://[::1]:8080/x').host).toBe('::1');
    expect(policy.checkUrl('http://0x7f.1/').host).toBe('127.0.0.1');
    for (const bad of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://x/',
      'not a url',
      'https://user:pw@example.com/',
    ]) {
      expect(() => policy.checkUrl(bad)).toThrow(TargetRefused);
    }
  });

  it('lets the allow-list name hosts, addresses and ranges', () => {
    const allowing = new TargetAddressPolicy(['127.0.0.1', '10.20.0.0/16', 'hooks.internal', 'fd00::/8']);
    expect(allowing.refusal('localhost', '127.0.0.1')).toBeNull();
    expect(allowing.refusal('localhost', '::ffff:127.0.0.1')).toBeNull();
    expect(allowing.refusal('x', '10.20.5.5')).toBeNull();
    expect(allowing.refusal('x', '10.21.0.1')).toContain('private');
    expect(allowing.refusal('hooks.internal', '192.168.0.9')).toBeNull();
    expect(allowing.refusal('x', 'fd12::1')).toBeNull();
    expect(allowing.refusal('x', '127.0.0.2')).toContain('loopback');
  });
});
