import { describe, expect, it } from 'vitest';
import { KafkaBrokers } from './kafka-settings';

describe('KafkaBrokers', () => {
  it('parses a comma-separated host:port list, spaces allowed', () => {
    expect(KafkaBrokers.parse(' kafka-1:9092, kafka-2:9092 ,[::1]:9094')).toEqual(['kafka-1:9092', 'kafka-2:9092', '[::1]:9094']);
  });

  it.each([
    ['', 'expected at least one host:port'],
    ['kafka:9O92', '"kafka:9O92" is not host:port with a port 1–65535'],
    ['kafka:9092,kafka', '"kafka" is not host:port with a port 1–65535'],
    ['kafka:70000', '"kafka:70000" is not host:port with a port 1–65535'],
  ])('refuses %j, naming the bad entry', (text, message) => {
    const parsed = KafkaBrokers.safeParse(text);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toContain(message);
  });
});
