import ipaddr from 'ipaddr.js';
import { embeddedIPv4, TargetAddressPolicy, TargetRefused } from './target-address-policy';

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
    ['64:ff9b:1::1', 'rfc6052'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.refusal('hooks.example', address)).toContain(range);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => {
      expect(policy.refusal('hooks.example', address)).toBeNull();
    },
  );

  // IPv6 addresses that embed an IPv4 address are judged by the IPv4 address they embed.
  it.each([
    ['::127.0.0.1', 'IPv4-compatible', '127.0.0.1', 'loopback'],
    ['::7f00:1', 'IPv4-compatible', '127.0.0.1', 'loopback'],
    ['::a00:1', 'IPv4-compatible', '10.0.0.1', 'private'],
    ['::169.254.169.254', 'IPv4-compatible', '169.254.169.254', 'linkLocal'],
    ['::2', 'IPv4-compatible', '0.0.0.2', 'unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped', '127.0.0.1', 'loopback'],
    ['::ffff:192.168.0.1', 'IPv4-mapped', '192.168.0.1', 'private'],
    ['::ffff:0:127.0.0.1', 'IPv4-translated', '127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'NAT64', '127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'NAT64', '10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'NAT64', '169.254.169.254', 'linkLocal'],
    ['2002:7f00:1::', '6to4', '127.0.0.1', 'loopback'],
    ['2002:c0a8:101::1', '6to4', '192.168.1.1', 'private'],
    ['2002:a9fe:a9fe:1::5', '6to4', '169.254.169.254', 'linkLocal'],
    // Teredo: server 65.54.227.120 (public), client stored inverted: 0x80ff:fffe → 127.0.0.1.
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo', '127.0.0.1', 'loopback'],
    // Teredo server 10.0.0.1 (private), public client 8.8.8.8 (inverted f7f7:f7f7).
    ['2001:0:a00:1::f7f7:f7f7', 'Teredo', '10.0.0.1', 'private'],
  ])('refuses %s, the %s form of %s (%s)', (address, form, ipv4, range) => {
    const reason = policy.refusal('hooks.example', address);
    expect(reason).toContain(`the ${form} form of ${ipv4} (${range})`);
    expect(() => policy.checkAddresses('hooks.example', ['8.8.8.8', address])).toThrow(TargetRefused);
  });

  it.each(['::808:808', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7'])(
    'allows %s, which embeds a public IPv4 address',
    (address) => {
      expect(policy.refusal('hooks.example', address)).toBeNull();
    },
  );

  it('finds the embedded IPv4 address by prefix, and none in other IPv6 addresses', () => {
    const embedded = (text: string) =>
      embeddedIPv4(ipaddr.IPv6.parse(text))?.addresses.map((a) => a.toString()) ?? null;
    expect(embedded('::7f00:1')).toEqual(['127.0.0.1']);
    expect(embedded('2001:0:4136:e378:8000:63bf:80ff:fffe')).toEqual(['65.54.227.120', '127.0.0.1']);
    for (const other of ['::', '::1', '2606:4700::1111', 'fe80::1', '2001:db8::1', '2001:4860::8888', '64:ff9b:1::1'])
      expect(embedded(other)).toBeNull();
  });

  it('refuses IPv4-compatible targets at the URL, as the issue reproduced them', () => {
    for (const target of ['http://[::127.0.0.1]/', 'http://[::7f00:1]/']) {
      const { host } = policy.checkUrl(target);
      expect(() => policy.checkAddresses(host, [host])).toThrow(/IPv4-compatible form of 127\.0\.0\.1 \(loopback\)/);
    }
  });

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
    // An allowed IPv4 address stays allowed in its embedded IPv6 forms, and only that one.
    expect(allowing.refusal('x', '::7f00:1')).toBeNull();
    expect(allowing.refusal('x', '64:ff9b::a14:505')).toBeNull();
    expect(allowing.refusal('x', '2002:a14:505::1')).toBeNull();
    expect(allowing.refusal('x', '::7f00:2')).toContain('loopback');
    expect(allowing.refusal('x', '2002:a15:1::1')).toContain('private');
  });
});
