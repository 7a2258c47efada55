import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectionsPerLocalAddress, isLoopbackLiteral, planShards, processCount, serverProcessCount, sourceAddress } from '../../../src/load/websocket/shard-plan.js';
import { classifyConnectError } from '../../../src/load/websocket/connect-error.js';
import { broadcastIntendedUs, broadcastPayload, broadcastSequence, echoIntendedUs, echoPayload, serverBinaryFrame, stampEcho } from '../../../src/load/websocket/frames.js';

describe('websocket shard plan', () => {
  it('splits 100,000 connections to one URL into contiguous shards of at most what one source address should make, each with its rate share and own source address', () => {
    const plans = planShards({ targets: ['ws://127.0.0.1:1/'], connections: 100_000, connectRatePerSec: 5_000, connectTimeoutMs: 10_000, loopback: true, perLocalAddress: 12_000 }, 15_000);
    expect(plans).toHaveLength(9);
    expect(plans.map((plan) => plan.connections)).toEqual([11_112, 11_111, 11_111, 11_111, 11_111, 11_111, 11_111, 11_111, 11_111]);
    expect(plans.reduce((sum, plan) => sum + plan.connections, 0)).toBe(100_000);
    expect(plans.map((plan) => plan.firstConnection)).toEqual([0, 11_112, 22_223, 33_334, 44_445, 55_556, 66_667, 77_778, 88_889]);
    expect(plans.reduce((sum, plan) => sum + plan.connectRatePerSec, 0)).toBeCloseTo(5_000, 6);
    expect(plans.map((plan) => plan.localAddress)).toEqual(Array.from({ length: 9 }, (_unused, index) => `127.0.0.${2 + index}`));
    expect(plans[0]?.maxConnectsInFlight).toBe(28); // 0.05 s of its 555.6/s
    expect(processCount(100_000, 15_000)).toBe(7);
    expect(processCount(15_000, 15_000)).toBe(1);
  });

  it('built-in servers: one port takes no more connections than one source address should make to it', () => {
    expect(serverProcessCount(500_000, 15_000, 11_998)).toBe(42);
    expect(500_000 / 42).toBeLessThan(11_998);
    expect(serverProcessCount(100_000, 15_000, 11_998)).toBe(9);
    expect(serverProcessCount(1_000, 15_000, 11_998)).toBe(1);
    expect(serverProcessCount(100, 10, 11_998)).toBe(10); // PUSHBENCH_WS_PER_PROCESS still caps it
    // 85% of half the kernel's ephemeral range (32768-60999 here gives 11,998).
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    expect(connectionsPerLocalAddress()).toBe(Math.floor(((high! - low! + 1) / 2) * 0.85));
  });

  it('connections spread over several targets (the built-in servers) keep the default source address', () => {
    const targets = Array.from({ length: 9 }, (_unused, index) => `ws://127.0.0.1:${9000 + index}/`);
    const plans = planShards({ targets, connections: 100_000, connectRatePerSec: 5_000, connectTimeoutMs: 10_000, loopback: true, perLocalAddress: 12_000 }, 15_000);
    expect(plans.map((plan) => plan.localAddress)).toEqual(Array.from({ length: 7 }, () => undefined));
  });

  it('source addresses skip 127.0.0.1 and roll over; only 127.x literals get them', () => {
    expect(sourceAddress(249)).toBe('127.0.0.251');
    expect(sourceAddress(250)).toBe('127.0.1.2');
    expect(isLoopbackLiteral('ws://127.0.0.1:8080/x')).toBe(true);
    expect(isLoopbackLiteral('ws://localhost:8080/')).toBe(false);
    const plans = planShards({ targets: ['ws://localhost:1/'], connections: 30_000, connectRatePerSec: 10, connectTimeoutMs: 1, loopback: false, perLocalAddress: 12_000 }, 15_000);
    expect(plans[0]?.localAddress).toBeUndefined();
  });

  it('classifies connect failures', () => {
    const coded = (code: string): Error => Object.assign(new Error(code), { code });
    expect(classifyConnectError(coded('ECONNREFUSED'))).toBe('refused');
    expect(classifyConnectError(coded('EMFILE'))).toBe('EMFILE');
    expect(classifyConnectError(coded('EADDRNOTAVAIL'))).toBe('EADDRNOTAVAIL');
    expect(classifyConnectError(coded('ECONNRESET'))).toBe('reset');
    expect(classifyConnectError(new Error('Opening handshake has timed out'))).toBe('timeout');
    expect(classifyConnectError(new Error('Unexpected server response: 404'))).toBe('http404');
    expect(classifyConnectError(new Error('Parse Error: Expected HTTP/'))).toBe('other');
  });

  it('frames carry their kind, sequence and intended time; a server frame is header + payload', () => {
    const echo = echoPayload(128);
    stampEcho(echo, 123_456_789);
    expect(echo).toHaveLength(128);
    expect(echoIntendedUs(echo)).toBe(123_456_789);
    const broadcast = broadcastPayload(200, 42, 987_654_321);
    expect(broadcastSequence(broadcast)).toBe(42);
    expect(broadcastIntendedUs(broadcast)).toBe(987_654_321);
    expect([...serverBinaryFrame(broadcast).subarray(0, 4)]).toEqual([0x82, 126, 0, 200]);
    expect([...serverBinaryFrame(broadcastPayload(100, 1, 1)).subarray(0, 2)]).toEqual([0x82, 100]);
  });
});
