/** The user_agents dimension's parsing and loading, without a warehouse: sizes the Data API accepts. */
import { insertStatements, loadUserAgents, parseUserAgent } from '../../lib/pipeline/user-agents';
import type { RunOptions, Statement, Warehouse } from '../../lib/warehouse/warehouse';

const IPHONE =
  '"Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like Gecko) Version/7.0 Mobile/11D257 Safari/9537.53"';
const FIREFOX_XP = 'Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0';

describe('parsing a user agent', () => {
  test('reads the literal quotes of the logs as quoting, and keeps the string as the key', () => {
    expect(parseUserAgent(IPHONE)).toEqual({
      user_agent: IPHONE,
      os_name: 'iOS',
      os_version: '7.1.2',
      browser: 'Mobile Safari',
      browser_version: '7.0',
      device_type: 'mobile',
    });
  });

  test('a known operating system with no special device type is a desktop', () => {
    expect(parseUserAgent(FIREFOX_XP)).toMatchObject({ os_name: 'Windows', os_version: 'XP', browser: 'Firefox', device_type: 'desktop' });
  });

  test('what the parser cannot tell is NULL, not a guess', () => {
    expect(parseUserAgent('curl-ish thing')).toMatchObject({ os_name: null, os_version: null, device_type: null });
  });

  test('parsed values longer than their columns are cut to the column width in bytes', () => {
    const parsed = parseUserAgent(`Mozilla/5.0 (Windows NT 6.1) Chrome/${'1.'.repeat(200)}1 Safari/537.36`);
    expect(parsed.browser).toBe('Chrome');
    expect(Buffer.byteLength(parsed.browser_version!)).toBe(64);
  });
});

describe('loading user agents', () => {
  /** 2,000 distinct user agents of 1 KB each: the widest songplays allows. */
  const many = Array.from({ length: 2000 }, (_, i) => `${String(i).padStart(4, '0')} ${FIREFOX_XP}`.padEnd(1024, 'x'));

  test('each INSERT stays far below the Data API limit of 100 KB, values bound as :name parameters', () => {
    const statements = insertStatements(many.map(parseUserAgent), 'user_agents_next');
    for (const s of statements) {
      const bytes = Buffer.byteLength(s.sql) + Buffer.byteLength(JSON.stringify(s.params));
      expect(bytes).toBeLessThan(50_000);
      expect(s.sql).not.toContain('Mozilla');
      expect(s.sql).toMatch(/^INSERT INTO user_agents_next \(user_agent, os_name, os_version, browser, browser_version, device_type\) VALUES/);
    }
    expect(statements.flatMap((s) => Object.keys(s.params!)).length).toBe(many.length * 6);
  });

  test('statements go in atomic batches of at most 40, into the build table', async () => {
    const batches: { statements: readonly Statement[]; options?: RunOptions }[] = [];
    const queries: string[] = [];
    const warehouse: Warehouse = {
      description: 'recording',
      async run(statements, options) {
        batches.push({ statements, options });
        return [];
      },
      async query<R>(sql: string) {
        queries.push(sql);
        return many.map((user_agent) => ({ user_agent })) as R[];
      },
      async close() {},
    };
    await expect(loadUserAgents(warehouse, '_next')).resolves.toBe(many.length);
    expect(queries).toEqual([expect.stringContaining('FROM songplays_next')]);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) {
      expect(b.statements.length).toBeLessThanOrEqual(40);
      expect(b.options).toEqual({ transaction: true });
    }
    const inserted = batches.flatMap((b) => b.statements).flatMap((s) => Object.entries(s.params!).filter(([k]) => k.startsWith('user_agent_')));
    expect(inserted.map(([, v]) => v)).toEqual(many);
  });
});
